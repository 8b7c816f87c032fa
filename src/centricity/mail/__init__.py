"""E-mail channel of the service desk: mail that comes in (webhook, IMAP) becomes cases and
replies on them; public replies go out threaded."""
