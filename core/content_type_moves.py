"""Moving models' content types from one app label to another, for the migrations that move models
between apps without touching their tables (cases, timeliness and dashboard 0001).

A content type keeps its id when its label changes, so everything that points at it stays right:
auth permissions (and through them every guardian grant and group permission), guardian's generic
grants, and the admin log. Written once here because three migrations need it; it uses only the
historical models it is given, so a later change to the app's models cannot change what it does.
"""


def content_types_move(apps, *, models: list[str], source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates the content type under its new app
        if ContentType.objects.filter(app_label=target, model=model).exists():
            # Only possible if post_migrate ran between the state move and this step (a faked
            # migration): merging the two would mean choosing whose grants to keep, so stop and say so.
            raise RuntimeError(
                f"Both {source}.{model} and {target}.{model} content types exist; move the permissions "
                f"and grants of one to the other by hand, delete it, then migrate again."
            )
        old.app_label = target
        old.save(update_fields=["app_label"])
