"""The app's assembly: which domain routers are mounted (`routes.py`) and the shell pages
that belong to no single domain (`pages.py`: health, sign-in, the dashboard, the sections
not built yet) with their templates.

`web/` is the kit every domain imports (dependencies, CSRF, templating, errors); this
package imports the domains. Keeping the two apart makes imports run one way:
domains → web, and site → domains + web, never web → domains.
"""
