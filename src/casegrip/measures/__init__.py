"""The measure language, primitives per engine, the indicator catalogue, the runner."""
