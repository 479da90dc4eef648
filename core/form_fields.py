"""Form fields shared by the apps."""

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


class GovDateField(DateInputField):
    """A GOV.UK date input (day, month, year) whose messages name the date, as the Design System asks.

    `name` is how messages refer to the date (default: the label, lower-cased at the start), for labels
    such as "Date due (optional)" that would read badly inside a sentence.
    """

    def __init__(self, *, label: str, name: str | None = None, **kwargs):
        # require_all_fields=False: a part left blank is an error even when the date is optional.
        super().__init__(label=label, require_all_fields=False, **kwargs)
        self.name = name or label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {self.name}"
        self.error_messages["incomplete"] = f"The {self.name} must include a day, month and year"
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"The {self.name} must include a {part}"
            subfield.validators = [RegexValidator(r"^[0-9]+$", f"The {self.name} must be a real date")]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"The {self.name}'s year must include 4 numbers", code="invalid")
        try:
            return super().compress(data_list)
        except ValidationError as exc:
            raise ValidationError(f"The {self.name} must be a real date", code="invalid") from exc
