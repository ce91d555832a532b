from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    """Metadata shared by the files of one upload; the files are checked by the ingest service."""

    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        required=False,
        help_text=_("留空则使用文件名；多个文件时各自使用文件名"),
    )
    category = forms.ModelChoiceField(
        label=_("分类"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("（不选择）"),
    )
    description = forms.CharField(
        label=_("描述"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    tags = forms.CharField(
        label=_("标签"), required=False, max_length=600, help_text=_("用逗号或空格分隔，最多 10 个")
    )
    price = forms.IntegerField(label=_("价格（积分）"), min_value=0, max_value=100000, initial=0)
    files = forms.FileField(label=_("文件"), widget=MultipleFileInput, required=False)
