"""Form styling shared by every page: Bootstrap's classes on widgets, failed fields marked."""

from __future__ import annotations

from django import forms


class BootstrapFormMixin(forms.BaseForm):
    """Gives the widgets Bootstrap's classes, and marks the fields that failed validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class BootstrapForm(BootstrapFormMixin, forms.Form):
    pass
