"""A small XML Schema checker for the CIN census schemas (neither lxml nor xmlschema is a
dependency). It covers what those schemas use: global and anonymous types, sequences of elements
with minOccurs/maxOccurs, and simple types restricting xs:string, xs:date, xs:gYear,
xs:dateTime and xs:integer by enumeration, pattern, minLength and minInclusive."""

import re
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import parse

XS = "{http://www.w3.org/2001/XMLSchema}"
BUILT_IN = {
    "xs:string": lambda text: True,
    "xs:date": lambda text: (
        bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and _parses(date.fromisoformat, text)
    ),
    "xs:gYear": lambda text: bool(re.fullmatch(r"\d{4}", text)),
    "xs:dateTime": lambda text: "T" in text and _parses(datetime.fromisoformat, text),
    "xs:integer": lambda text: bool(re.fullmatch(r"[+-]?\d+", text)),
}


def _parses(parse_text, text: str) -> bool:
    try:
        parse_text(text)
    except ValueError:
        return False
    return True


class Schema:
    def __init__(self, path: Path) -> None:
        root = parse(str(path)).getroot()
        self.complex = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
        self.simple = {t.get("name"): t for t in root.findall(f"{XS}simpleType")}
        self.elements = {e.get("name"): e for e in root.findall(f"{XS}element")}

    def errors(self, document: Element) -> list[str]:
        """Every way ``document`` breaks the schema (empty: it is valid)."""
        declaration = self.elements.get(document.tag)
        if declaration is None:
            return [f"/{document.tag}: not a global element of the schema"]
        found: list[str] = []
        self._element(document, declaration, f"/{document.tag}", found)
        return found

    def _element(self, node: Element, declaration: Element, path: str, found: list) -> None:
        type_name = declaration.get("type")
        complex_type = declaration.find(f"{XS}complexType")
        simple_type = declaration.find(f"{XS}simpleType")
        if type_name in self.complex:
            complex_type = self.complex[type_name]
        if complex_type is not None:
            self._sequence(node, complex_type.find(f"{XS}sequence"), path, found)
            return
        if list(node):
            found.append(f"{path}: a simple element holds elements")
        text = node.text or ""
        if simple_type is not None:
            self._simple(text, simple_type, path, found)
        elif type_name in self.simple:
            self._simple(text, self.simple[type_name], path, found)
        elif not BUILT_IN[type_name](text):
            found.append(f"{path}: {text!r} is not a {type_name}")

    def _sequence(self, node: Element, sequence: Element, path: str, found: list) -> None:
        children = list(node)
        i = 0
        for particle in sequence.findall(f"{XS}element"):
            name = particle.get("name")
            low = int(particle.get("minOccurs", "1"))
            high = particle.get("maxOccurs", "1")
            high = None if high == "unbounded" else int(high)
            count = 0
            while i < len(children) and children[i].tag == name:
                self._element(children[i], particle, f"{path}/{name}[{count}]", found)
                i, count = i + 1, count + 1
            if count < low or (high is not None and count > high):
                found.append(f"{path}: {count} {name} where {low} to {high or 'any'} expected")
        if i < len(children):
            found.append(f"{path}: {children[i].tag} is not expected here")

    def _simple(self, text: str, simple_type: Element, path: str, found: list) -> None:
        restriction = simple_type.find(f"{XS}restriction")
        base = restriction.get("base")
        if base in self.simple:
            self._simple(text, self.simple[base], path, found)
        elif not BUILT_IN[base](text):
            found.append(f"{path}: {text!r} is not a {base}")
        values = [e.get("value") for e in restriction.findall(f"{XS}enumeration")]
        if values and text not in values:
            found.append(f"{path}: {text!r} is not one of the schema's codes")
        for pattern in restriction.findall(f"{XS}pattern"):
            if not re.fullmatch(pattern.get("value"), text):
                found.append(f"{path}: {text!r} does not match {pattern.get('value')}")
        for length in restriction.findall(f"{XS}minLength"):
            if len(text) < int(length.get("value")):
                found.append(f"{path}: {text!r} is too short")
        for low in restriction.findall(f"{XS}minInclusive"):
            if int(text) < int(low.get("value")):
                found.append(f"{path}: {text!r} is below {low.get('value')}")
