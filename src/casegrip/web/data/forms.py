"""The form that starts an import from an uploaded extract."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; empty files pass, for the import to say what is wrong."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    files = MultipleFileField(required=False, label="Extract files")

    def __init__(self, *args, too_large: list[str] | None = None, busy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        self.busy = busy

    def clean(self) -> dict:
        data = super().clean()
        if self.busy:
            raise forms.ValidationError(
                "Another import is running. Try again when it has finished.", code="busy"
            )
        if not data.get("files") and not self.too_large:
            self.add_error(
                "files",
                "Choose a .zip of the extract folder, or the extract's ssd_<table>.csv or "
                ".parquet files",
            )
        return data
