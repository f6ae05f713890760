"""The load benchmark's two reference pages (bench/run.py), routed only when settings.BENCH_FLOOR
is on, never in a normal deployment:

- the floor: one indexed query through the whole middleware stack, what the stack itself costs;
- the layout: the cheapest page a signed-in coordinator can be shown, the campus layout with an
  empty body behind the same login, session and campus checks as every campus page, so that a
  page's cost can be split into what any page costs and what its own content costs.
"""

from django.http import HttpResponse
from django.views.generic import TemplateView

from members.access import CoordinatorRequiredMixin
from members.models import Campus


def bench_floor(request):
    found = Campus.objects.filter(pk=1).exists()
    return HttpResponse(f"floor {int(found)}\n", content_type="text/plain; charset=utf-8")


class BenchLayoutView(CoordinatorRequiredMixin, TemplateView):
    template_name = "bench_layout.html"
