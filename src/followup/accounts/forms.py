from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.http import HttpRequest

from followup.accounts import throttle


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = data.get("username")
        password = data.get("password")
        if not username or not password:
            return data
        ip = throttle.client_ip(self.request)
        if throttle.is_locked(username, ip):
            raise forms.ValidationError(
                "Too many failed attempts. Wait 15 minutes, then try again.", code="locked"
            )
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            throttle.note_failure(username, ip)
            raise forms.ValidationError(
                "Enter a correct username and password. Both are case-sensitive.",
                code="invalid_login",
            )
        throttle.clear(username, ip)
        self.user = user if isinstance(user, User) else None
        return data
