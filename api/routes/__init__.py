"""The API's routers, one module per resource. ``create_app`` includes every router listed in ``ROUTERS``, in order.

To add a resource: write ``api/routes/<name>.py`` with a module-level ``router = APIRouter(...)`` and add its
module name to ``ROUTERS`` below.
"""

ROUTERS = [
    "health",
    "auth",
    "chat",
    "search",
    "documents",
    "units",
    "jobs",
    "sessions",
    "files",
    "feedback",
    "keys",
    "audit",
    # ---- case law (issue 7): the case-law helper adds its router here, one line: "cases", ----
    "cases",
]
