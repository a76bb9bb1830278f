"""Demo logins: generated once per checkout and kept in var/, never a fixed password."""

import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model


def logins_file():
    return settings.VAR_DIR / "demo-logins.json"


def read_logins() -> dict[str, str]:
    path = logins_file()
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except ValueError:
        return {}


def write_logins(logins: dict[str, str]) -> None:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins, indent=2, sort_keys=True))
    path.chmod(0o600)


def ensure_demo_user(username: str, logins: dict[str, str], **attributes):
    """Create the user with the remembered password, or a new one; an existing user keeps theirs.

    A user whose password was lost from var/ gets a new one, so the printed login always works.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None and username in logins:
        return user
    password = logins.get(username) or secrets.token_urlsafe(12)
    if user is None:
        user = User(username=username, **attributes)
    user.set_password(password)
    user.save()
    logins[username] = password
    return user
