"""Reading the audit form's fields (named by question and theme) into the shape
``actions.save_audit`` takes."""

from django.http import QueryDict


def form_data(post: QueryDict) -> dict:
    responses: dict[str, dict] = {}
    themes: dict[str, dict] = {}
    for key, value in post.items():
        prefix, _, name = key.partition("_")
        if not name:
            continue
        if prefix == "q":
            responses.setdefault(name, {})["answer"] = value
        elif prefix == "e":
            responses.setdefault(name, {})["evidence"] = value
        elif prefix == "grade":
            themes.setdefault(name, {})["grade"] = value
        elif prefix == "rationale":
            themes.setdefault(name, {})["rationale"] = value
    return {
        "responses": responses,
        "theme_grades": themes,
        "overall_grade": post.get("overall_grade", ""),
        "overall_rationale": post.get("overall_rationale", ""),
        "strengths": post.get("strengths", ""),
        "areas_for_development": post.get("areas_for_development", ""),
    }
