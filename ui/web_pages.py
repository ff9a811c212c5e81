"""The plain HTML of the sign-in page: no script, nothing loaded from another site, every value escaped."""

from __future__ import annotations

from html import escape

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7f9;
       color: #262730; margin: 0; display: flex; min-height: 100vh;
       align-items: center; justify-content: center; }
main { background: #fff; padding: 2rem 2.25rem; border-radius: 0.75rem; width: 22rem;
       box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.05rem; font-weight: 500; margin: 0 0 1.25rem; }
label { display: block; font-size: 0.9rem; margin: 0.9rem 0 0.3rem; }
input[type=email], input[type=password] { box-sizing: border-box; width: 100%; padding: 0.55rem 0.65rem;
       font-size: 1rem; border: 1px solid #c9cbd1; border-radius: 0.4rem; }
button { margin-top: 1.4rem; width: 100%; padding: 0.6rem; font-size: 1rem; border: 0; border-radius: 0.4rem;
       background: #ff4b4b; color: #fff; cursor: pointer; }
p.error { background: #ffecec; color: #7d1a1a; padding: 0.6rem 0.75rem; border-radius: 0.4rem; }
p.note { background: #e8f4ea; color: #1b5e20; padding: 0.6rem 0.75rem; border-radius: 0.4rem; }
"""


def sign_in_page(*, csrf: str, next_path: str, message: str = "", note: str = "", email: str = "") -> str:
    """The sign-in form; ``message`` (an error) and ``note`` (e.g. signed out) are shown as plain text."""
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    info = f'<p class="note" role="status">{escape(note)}</p>' if note else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Inbox contacts</title>
<link rel="icon" href="/auth/icon.png">
<style>{STYLE}</style></head>
<body><main>
<h1>Inbox contacts</h1><h2>Sign in</h2>
{info}{error}
<form method="post" action="/auth/sign-in">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus
 value="{escape(email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>
"""
