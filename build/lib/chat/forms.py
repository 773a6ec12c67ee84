from django import forms
from django.utils.translation import gettext_lazy as _

from chat.services import MAX_RATING_COMMENT_LENGTH, MAX_TOPIC_LENGTH


class StartConversationForm(forms.Form):
    topic = forms.CharField(
        label=_("Topic (optional)"),
        max_length=MAX_TOPIC_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("For example: my card is blocked")}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do?"),
        choices=[(value, str(value)) for value in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_RATING_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
