"""The contact log: every call, e-mail, chat or visit with a customer."""
