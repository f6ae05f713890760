from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Topic


@login_required
def topic_list(request):
    return render(request, "training/topic_list.html", {"topics": Topic.objects.all()})


@login_required
def topic_detail(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    return render(request, "training/topic_detail.html", {"topic": topic})
