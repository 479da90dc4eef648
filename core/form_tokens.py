"""Once-used form tokens for create pages: the same form posted twice (a double click, a resent POST)
makes one record, and the second post is answered as the first was (a redirect to the same record).

Each time a create page is shown its form carries a new random token (`form_token`, a hidden field).
The first post with a token claims it in the cache (`cache.add`, which is atomic in Redis and in the
local-memory cache) and, once its write commits, stores where it sent the person. A second post with
the token waits for that answer (the first may still be writing, in another thread or process) and
sends the person to the same place; the form is neither validated nor written again, so a unique name
already taken by the first is not shown as an error. A post whose write failed frees its token, so the
corrected form can be posted again. Tokens are per person: another's token claims nothing of theirs.

The cache, not the database: a token only has to outlive a double click (TOKEN_SECONDS), and
production's cache is Redis shared by every web process (CACHE_URL; a system check insists when several
run). Records with a natural key the service checks (audits' start_token, a pending role request, a live
break-glass grant) do not need this.
"""

import time
from uuid import UUID, uuid4

from django.core.cache import cache
from django.http import HttpResponseRedirect

FIELD = "form_token"
TOKEN_SECONDS = 10 * 60
PENDING = "pending"
WAIT_SECONDS = 10  # how long a second post waits for the first one's answer


def _key(user, token: str) -> str | None:
    try:
        token = str(UUID(token))
    except (TypeError, ValueError, AttributeError):
        return None
    return f"form-token:{user.pk}:{token}"


class OnceOnlyCreateMixin:
    """For a create page whose `form_valid` answers with a redirect: a token per form shown, used once."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(form_token=uuid4(), **kwargs)

    def post(self, request, *args, **kwargs):
        self._form_token_key = _key(request.user, request.POST.get(FIELD))
        if self._form_token_key is None:
            return super().post(request, *args, **kwargs)  # no token (an old page): as before
        if not cache.add(self._form_token_key, PENDING, TOKEN_SECONDS):
            return self._answer_as_the_first()
        response = None
        try:
            response = super().post(request, *args, **kwargs)
        finally:
            if isinstance(response, HttpResponseRedirect):
                cache.set(self._form_token_key, response["Location"], TOKEN_SECONDS)
            else:
                cache.delete(self._form_token_key)  # refused or failed: the form may be posted again
        return response

    def _answer_as_the_first(self):
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            answer = cache.get(self._form_token_key)
            if answer not in (None, PENDING):
                return HttpResponseRedirect(answer)
            if answer is None or time.monotonic() > deadline:
                # The first post failed (its token freed) or is taking too long: this one runs as usual,
                # and the form's own checks (a name already taken) answer it.
                self._form_token_key = None
                return super().post(self.request, *self.args, **self.kwargs)
            time.sleep(0.05)
