"""Web edge: app pages, auth, CSRF, permissions, errors, layout."""
