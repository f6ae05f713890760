"""Reports: the state of a campus's community of practice, for dashboards and CSV exports.

Plain functions with keyword-only arguments. Each takes a FIXED number of queries whatever the
number of members, meetings or topics: it aggregates in the database, or in Python over the rows
of one query — never a query per row. `now` defaults to the current time; tests pass it.

Definitions (the dashboards, the charts and the exports all follow them):

- A month is read in the campus's time zone. It is **held** when a meeting that is not cancelled
  started in it and has already started (it is in the past); **scheduled** when it has no such
  meeting but a non-cancelled one still to come; **only cancelled** when its only meetings were
  cancelled; **none** when it has no meeting at all. The order of precedence is that one.
- A person is **expected** at a meeting when they have an Attendance row for it (rows exist only
  for members active when the meeting was scheduled, so nobody is counted absent from meetings
  before they joined). Only past, non-cancelled meetings count.
- **Attended** = presence present or late. **Excused** is shown apart. A meeting whose presence
  was not recorded is **unrecorded**, never missed. **Missed** = presence absent.
- A member is **below expectation** when they missed at least `campus.attendance_max_missed` of
  their last `campus.attendance_window` past meetings whose presence was recorded.
- **Partner involvement**: for each of the campus's first `campus.partner_initial_meetings`
  non-cancelled meetings (by start), whether a partner representative of the campus was recorded
  present or late, or facilitated an agenda item. There is a warning when one of those first
  meetings has already started without one.
- **Training coverage** counts the agenda items of kind training with a topic, in past,
  non-cancelled meetings of the campus; "times covered" is the number of such meetings. A topic
  is **due again** when it has a refresh interval and was last covered longer ago than that.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from meetings.rows import addresses
from meetings.selectors import Responder, open_suggestions, responses
from members.models import Campus, Membership
from members.selectors import VISIBLE_STATUSES, access_records
from training.models import TOPIC_LANGUAGES, FacilitationOffer, Topic
from training.selectors import open_offers, reader_language

Presence = Attendance.Presence
CANCELLED = Meeting.Status.CANCELLED
CADENCE_PAST_MONTHS = 12  # this month and the eleven before it
CADENCE_AHEAD_MONTHS = 3


# --- months --------------------------------------------------------------------------------
def month_start(moment: dt.datetime, tz) -> dt.date:
    local = moment.astimezone(tz)
    return dt.date(local.year, local.month, 1)


def local_midnight(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def months_around(this_month: dt.date, *, past: int, ahead: int) -> list[dt.date]:
    """`past` months ending with `this_month`, then `ahead` months after it."""
    return [this_month + relativedelta(months=i) for i in range(-(past - 1), ahead + 1)]


# --- cadence -------------------------------------------------------------------------------
class MonthState(models.TextChoices):
    """What a month of the cadence shows, in this order of precedence."""

    HELD = "held", pgettext_lazy("month", "held")
    SCHEDULED = "scheduled", pgettext_lazy("month", "scheduled")
    ONLY_CANCELLED = "cancelled", pgettext_lazy("month", "only cancelled")
    NONE = "none", pgettext_lazy("month", "no meeting")


@dataclass
class CadenceMonth:
    month: dt.date
    state: str
    held: int = 0
    scheduled: int = 0
    cancelled: int = 0
    is_current: bool = False

    @property
    def label(self) -> str:
        return MonthState(self.state).label


def _state(held: int, scheduled: int, cancelled: int) -> str:
    if held:
        return MonthState.HELD
    if scheduled:
        return MonthState.SCHEDULED
    if cancelled:
        return MonthState.ONLY_CANCELLED
    return MonthState.NONE


def cadence_by_campus(
    *, campuses: list[Campus], now: dt.datetime | None = None
) -> dict[int, list[CadenceMonth]]:
    """For each campus, the last 12 months (this one included) and the next 3: held /
    scheduled / only cancelled / none, in the campus's time zone. One query for all campuses."""
    now = now or timezone.now()
    if not campuses:
        return {}
    windows = {}
    for campus in campuses:
        months = months_around(
            month_start(now, campus.tz), past=CADENCE_PAST_MONTHS, ahead=CADENCE_AHEAD_MONTHS
        )
        windows[campus.pk] = months
    # A day's margin either side covers every time zone; exact months are decided in Python.
    first = min(months[0] for months in windows.values()) - dt.timedelta(days=1)
    last = max(months[-1] for months in windows.values()) + relativedelta(months=1, days=1)
    counts = defaultdict(Counter)
    zones = {campus.pk: campus.tz for campus in campuses}
    rows = Meeting.objects.filter(
        campus__in=[c.pk for c in campuses],
        starts_at__gte=local_midnight(first, dt.UTC),
        starts_at__lt=local_midnight(last, dt.UTC),
    ).values_list("campus_id", "starts_at", "status")
    for campus_id, starts_at, status in rows:
        month = month_start(starts_at, zones[campus_id])
        if status == CANCELLED:
            kind = "cancelled"
        elif starts_at <= now:
            kind = "held"
        else:
            kind = "scheduled"
        counts[(campus_id, month)][kind] += 1
    result = {}
    for campus in campuses:
        this_month = month_start(now, campus.tz)
        cells = []
        for month in windows[campus.pk]:
            c = counts[(campus.pk, month)]
            cells.append(
                CadenceMonth(
                    month=month,
                    state=_state(c["held"], c["scheduled"], c["cancelled"]),
                    held=c["held"],
                    scheduled=c["scheduled"],
                    cancelled=c["cancelled"],
                    is_current=month == this_month,
                )
            )
        result[campus.pk] = cells
    return result


def cadence(*, campus: Campus, now: dt.datetime | None = None) -> list[CadenceMonth]:
    """The 15-month cadence of one campus (see `cadence_by_campus`). One query."""
    return cadence_by_campus(campuses=[campus], now=now)[campus.pk]


# --- the next meeting ----------------------------------------------------------------------
@dataclass
class NextMeeting:
    meeting: Meeting
    attending: list[Responder]
    not_attending: list[Responder]
    no_response: list[Responder]


def next_meeting(*, campus: Campus, now: dt.datetime | None = None) -> NextMeeting | None:
    """The next non-cancelled meeting that has not started, with everyone expected grouped by
    response. Two queries (one when there is none)."""
    now = now or timezone.now()
    meeting = (
        Meeting.objects.filter(campus=campus, starts_at__gt=now)
        .select_related("campus")
        .exclude(status=CANCELLED)
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        return None
    groups = responses(meeting=meeting)
    return NextMeeting(
        meeting,
        groups[Attendance.Response.ATTENDING],
        groups[Attendance.Response.NOT_ATTENDING],
        groups[Attendance.Response.NO_RESPONSE],
    )


# --- attendance ----------------------------------------------------------------------------
@dataclass
class AttendanceCounts:
    """Past, non-cancelled meetings a person was expected at, by recorded presence."""

    expected: int = 0
    attended: int = 0
    excused: int = 0
    missed: int = 0
    unrecorded: int = 0

    def add(self, presence: str) -> None:
        self.expected += 1
        if presence in Attendance.WAS_THERE:
            self.attended += 1
        elif presence == Presence.EXCUSED:
            self.excused += 1
        elif presence == Presence.ABSENT:
            self.missed += 1
        else:
            self.unrecorded += 1

    @property
    def rate(self) -> int | None:
        """Attended out of those whose presence was recorded and not excused, in percent."""
        counted = self.attended + self.missed
        return round(100 * self.attended / counted) if counted else None


@dataclass
class MemberAttendance:
    membership: Membership
    last_6_months: AttendanceCounts = field(default_factory=AttendanceCounts)
    last_12_months: AttendanceCounts = field(default_factory=AttendanceCounts)
    recent_missed: int = 0  # absences among the last `attendance_window` recorded meetings
    recent_recorded: int = 0
    below_expectation: bool = False

    @property
    def user(self):
        return self.membership.user


EXPECTATION_LOOKBACK = 24  # months; Campus.attendance_window is at most 24 meetings


def _past_attendance_rows(*, campus_ids: list[int], now: dt.datetime, since=None):
    rows = Attendance.objects.filter(
        meeting__campus__in=campus_ids, meeting__starts_at__lte=now
    ).exclude(meeting__status=CANCELLED)
    if since is not None:
        rows = rows.filter(meeting__starts_at__gte=since)
    return rows.order_by("-meeting__starts_at", "-meeting_id")


def member_attendance(*, campus: Campus, now: dt.datetime | None = None) -> list[MemberAttendance]:
    """Every current member (active or on leave), by name: meetings expected and attended over
    the last 6 and 12 months (excused, missed and unrecorded apart), and whether they are below
    the campus's expectation (their last `attendance_window` recorded meetings, looked for in
    the last two years, so that the work stays the same as years of meetings pile up). Two
    queries."""
    now = now or timezone.now()
    members = list(
        Membership.objects.filter(campus=campus, status__in=VISIBLE_STATUSES)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    by_user = {m.user_id: MemberAttendance(m) for m in members}
    six, twelve = now - relativedelta(months=6), now - relativedelta(months=12)
    rows = _past_attendance_rows(
        campus_ids=[campus.pk], now=now, since=now - relativedelta(months=EXPECTATION_LOOKBACK)
    ).values_list("user_id", "presence", "meeting__starts_at")
    for user_id, presence, starts_at in rows:  # latest first
        record = by_user.get(user_id)
        if record is None:
            continue  # someone who has left
        if starts_at >= twelve:
            record.last_12_months.add(presence)
            if starts_at >= six:
                record.last_6_months.add(presence)
        if presence != Presence.UNRECORDED and record.recent_recorded < campus.attendance_window:
            record.recent_recorded += 1
            record.recent_missed += presence == Presence.ABSENT
    for record in by_user.values():
        record.below_expectation = record.recent_missed >= campus.attendance_max_missed
    return list(by_user.values())


@dataclass
class AttendanceMonth:
    month: dt.date
    meetings: int = 0
    expected: int = 0
    attended: int = 0
    excused: int = 0
    missed: int = 0
    unrecorded: int = 0

    @property
    def rate(self) -> int | None:
        """Attended out of expected, in percent (None when nobody was expected)."""
        return round(100 * self.attended / self.expected) if self.expected else None


def attendance_by_month_by_campus(
    *, campuses: list[Campus], now: dt.datetime | None = None
) -> dict[int, list[AttendanceMonth]]:
    """For each campus, its last 12 months (this one included): past, non-cancelled meetings,
    people expected, attended, excused, missed and unrecorded. One query for all campuses,
    a row per meeting."""
    now = now or timezone.now()
    if not campuses:
        return {}
    zones = {c.pk: c.tz for c in campuses}
    windows = {
        c.pk: months_around(month_start(now, c.tz), past=CADENCE_PAST_MONTHS, ahead=0)
        for c in campuses
    }
    since = local_midnight(min(m[0] for m in windows.values()) - dt.timedelta(days=1), dt.UTC)
    result = {
        pk: {month: AttendanceMonth(month) for month in months} for pk, months in windows.items()
    }
    # Counted per meeting in the database (a campus's year is about 12 rows, not 2,400), then
    # each meeting put in its month in the campus's zone.
    per_meeting = (
        _past_attendance_rows(campus_ids=list(zones), now=now, since=since)
        .order_by()
        .values("meeting__campus_id", "meeting__starts_at", "meeting_id")
        .annotate(
            expected=Count("pk"),
            attended=Count("pk", filter=Q(presence__in=Attendance.WAS_THERE)),
            excused=Count("pk", filter=Q(presence=Presence.EXCUSED)),
            missed=Count("pk", filter=Q(presence=Presence.ABSENT)),
        )
    )
    for row in per_meeting:
        campus_id = row["meeting__campus_id"]
        cell = result[campus_id].get(month_start(row["meeting__starts_at"], zones[campus_id]))
        if cell is None:
            continue
        cell.meetings += 1
        cell.expected += row["expected"]
        cell.attended += row["attended"]
        cell.excused += row["excused"]
        cell.missed += row["missed"]
        cell.unrecorded += row["expected"] - row["attended"] - row["excused"] - row["missed"]
    return {pk: list(months.values()) for pk, months in result.items()}


def attendance_by_month(*, campus: Campus, now: dt.datetime | None = None) -> list[AttendanceMonth]:
    """One campus's last 12 months of attendance (see `attendance_by_month_by_campus`)."""
    return attendance_by_month_by_campus(campuses=[campus], now=now)[campus.pk]


# --- partner involvement -------------------------------------------------------------------
@dataclass
class PartnerMeeting:
    meeting: Meeting
    attended: bool
    facilitated: bool
    has_started: bool

    @property
    def involved(self) -> bool:
        return self.attended or self.facilitated

    @property
    def lacking(self) -> bool:
        return self.has_started and not self.involved


@dataclass
class PartnerInvolvement:
    wanted: int  # the campus setting: how many first meetings
    meetings: list[PartnerMeeting]

    @property
    def warning(self) -> bool:
        return any(m.lacking for m in self.meetings)

    @property
    def not_yet_scheduled(self) -> int:
        return self.wanted - len(self.meetings)


def partner_involvement(*, campus: Campus, now: dt.datetime | None = None) -> PartnerInvolvement:
    """Whether a partner representative attended or facilitated each of the campus's first
    `partner_initial_meetings` non-cancelled meetings. One query."""
    now = now or timezone.now()
    partners = Membership.objects.filter(campus=campus, role=Membership.Role.PARTNER_REPRESENTATIVE)
    meetings = (
        Meeting.objects.filter(campus=campus)
        .select_related("campus")
        .exclude(status=CANCELLED)
        .annotate(
            partner_attended=Exists(
                Attendance.objects.filter(
                    meeting=OuterRef("pk"),
                    presence__in=Attendance.WAS_THERE,
                    user__in=partners.values("user"),
                )
            ),
            partner_facilitated=Exists(
                AgendaItem.objects.filter(
                    meeting=OuterRef("pk"), facilitator__in=partners.values("user")
                )
            ),
        )
        .order_by("starts_at", "pk")[: campus.partner_initial_meetings]
    )
    return PartnerInvolvement(
        campus.partner_initial_meetings,
        [
            PartnerMeeting(m, m.partner_attended, m.partner_facilitated, m.starts_at <= now)
            for m in meetings
        ],
    )


# --- training ------------------------------------------------------------------------------
class CoverageState(models.TextChoices):
    NEVER = "never", pgettext_lazy("topic", "never covered")
    DUE = "due", pgettext_lazy("topic", "due again")
    COVERED = "covered", pgettext_lazy("topic", "covered")


@dataclass
class TopicCoverage:
    topic: Topic
    times_covered: int
    last_covered: dt.date | None  # in the campus's time zone
    state: str

    @property
    def state_label(self) -> str:
        return CoverageState(self.state).label


def _held_meetings_q(prefix: str, campus: Campus, now: dt.datetime) -> Q:
    return Q(
        **{
            f"{prefix}campus": campus,
            f"{prefix}starts_at__lte": now,
        }
    ) & ~Q(**{f"{prefix}status": CANCELLED})


def topic_coverage(*, campus: Campus, now: dt.datetime | None = None) -> list[TopicCoverage]:
    """Every active topic (and archived ones this campus covered), by title: how many past,
    non-cancelled meetings covered it with a training item, when last, and whether it was never
    covered, is due again by its refresh interval, or is covered. One query."""
    now = now or timezone.now()
    covered = Q(agenda_items__kind=AgendaItem.Kind.TRAINING) & _held_meetings_q(
        "agenda_items__meeting__", campus, now
    )
    topics = (
        Topic.objects.annotate(
            times_covered=Count("agenda_items__meeting", filter=covered, distinct=True),
            last_covered_at=Max("agenda_items__meeting__starts_at", filter=covered),
        )
        .filter(Q(is_archived=False) | Q(times_covered__gt=0))
        .order_by("title")
    )
    today = now.astimezone(campus.tz).date()
    result = []
    for topic in topics:
        last = topic.last_covered_at.astimezone(campus.tz).date() if topic.last_covered_at else None
        if last is None:
            state = CoverageState.NEVER
        elif topic.refresh_interval_months and (
            last + relativedelta(months=topic.refresh_interval_months) < today
        ):
            state = CoverageState.DUE
        else:
            state = CoverageState.COVERED
        result.append(TopicCoverage(topic, topic.times_covered, last, state))
    return result


@dataclass
class Facilitation:
    training_items: int  # training items of past, non-cancelled meetings
    by_peer_supporters: int
    peers_not_yet: list[Membership]  # active peer supporters who have not facilitated one

    @property
    def share(self) -> int | None:
        if not self.training_items:
            return None
        return round(100 * self.by_peer_supporters / self.training_items)


def facilitation(*, campus: Campus, now: dt.datetime | None = None) -> Facilitation:
    """The share of training items (in past, non-cancelled meetings, with or without a topic)
    facilitated by someone who is a peer supporter of the campus, and the campus's active peer
    supporters who have not facilitated one yet. Two queries."""
    now = now or timezone.now()
    peers = list(
        Membership.objects.filter(campus=campus, role=Membership.Role.PEER_SUPPORTER)
        .select_related("user")
        .only("status", "user__name", "user__email")
        .order_by("user__name", "user__email")
    )
    peer_ids = {m.user_id for m in peers}
    facilitators = list(
        AgendaItem.objects.filter(
            _held_meetings_q("meeting__", campus, now), kind=AgendaItem.Kind.TRAINING
        ).values_list("facilitator_id", flat=True)
    )
    by_peers = sum(1 for user_id in facilitators if user_id in peer_ids)
    have = set(facilitators)
    not_yet = [m for m in peers if m.status == Membership.Status.ACTIVE and m.user_id not in have]
    return Facilitation(len(facilitators), by_peers, not_yet)


@dataclass
class TrainingSuggestions:
    offers: list[FacilitationOffer]
    due: list[TopicCoverage]
    never: list[TopicCoverage]


def training_suggestions(
    *, coverage: list[TopicCoverage], campus: Campus, limit: int = 5
) -> TrainingSuggestions:
    """What the next meeting's training could be: open offers to facilitate, topics due again
    (longest ago first), active topics never covered. One query (the offers)."""
    due = sorted(
        (c for c in coverage if c.state == CoverageState.DUE and not c.topic.is_archived),
        key=lambda c: c.last_covered,
    )
    never = [c for c in coverage if c.state == CoverageState.NEVER and not c.topic.is_archived]
    return TrainingSuggestions(list(open_offers(campus=campus)), due[:limit], never[:limit])


# --- what is open --------------------------------------------------------------------------
def open_action_items(*, campus: Campus) -> list[ActionItem]:
    """Action items not done, soonest due first (undated last). One query."""
    return list(
        ActionItem.objects.filter(meeting__campus=campus, done=False)
        .select_related("owner", "meeting")
        .order_by(F("due_on").asc(nulls_last=True), "meeting__starts_at", "pk")
    )


# --- what needs the coordinator's attention ------------------------------------------------
@dataclass
class Attention:
    """What the dashboard leads with (on a phone, before everything else): what a coordinator
    can act on now. Derived from the dashboard's data: no query of its own."""

    months_to_schedule: list[dt.date]  # this month and those ahead with no meeting planned
    months_missed: int  # past months of the cadence window without a meeting held
    below_expectation: list
    partner_warning: bool
    overdue_actions: list[ActionItem]
    next_meeting: NextMeeting | None

    @property
    def anything(self) -> bool:
        return bool(
            self.months_to_schedule
            or self.months_missed
            or self.below_expectation
            or self.partner_warning
            or self.overdue_actions
        )


def needs_attention(*, dashboard: dict, today: dt.date) -> Attention:
    cadence = dashboard["cadence"]
    this_month = today.replace(day=1)
    return Attention(
        months_to_schedule=[
            cell.month
            for cell in cadence
            if cell.month >= this_month
            and cell.state in (MonthState.NONE, MonthState.ONLY_CANCELLED)
        ],
        months_missed=sum(
            1 for cell in cadence if cell.month < this_month and cell.state != MonthState.HELD
        ),
        below_expectation=dashboard["below_expectation"],
        partner_warning=bool(dashboard["partner"].warning),
        overdue_actions=[
            item for item in dashboard["action_items"] if item.due_on and item.due_on < today
        ],
        next_meeting=dashboard["next_meeting"],
    )


# --- the dashboards ------------------------------------------------------------------------
def coordinator_dashboard(*, campus: Campus, now: dt.datetime | None = None) -> dict:
    """Everything the coordinator dashboard shows. Thirteen queries at most."""
    now = now or timezone.now()
    coverage = topic_coverage(campus=campus, now=now)
    members = member_attendance(campus=campus, now=now)
    return {
        "cadence": cadence(campus=campus, now=now),
        "next_meeting": next_meeting(campus=campus, now=now),
        "members": members,
        "below_expectation": [m for m in members if m.below_expectation],
        "attendance_months": attendance_by_month(campus=campus, now=now),
        "partner": partner_involvement(campus=campus, now=now),
        "coverage": coverage,
        "facilitation": facilitation(campus=campus, now=now),
        "suggestions_for_training": training_suggestions(coverage=coverage, campus=campus),
        "action_items": open_action_items(campus=campus),
        "discussion_suggestions": open_suggestions(campus=campus),
    }


@dataclass
class CampusOverview:
    campus: Campus
    active_members: int
    cadence: list[CadenceMonth]
    attendance: list[AttendanceMonth]

    @property
    def months_without_meeting(self) -> int:
        """Past months (this one excluded) with no held meeting."""
        return sum(
            1
            for cell in self.cadence
            if cell.state != MonthState.HELD and cell.month < self._this_month
        )

    @property
    def _this_month(self) -> dt.date:
        return next(cell.month for cell in self.cadence if cell.is_current)

    @property
    def attendance_rate(self) -> int | None:
        expected = sum(m.expected for m in self.attendance)
        attended = sum(m.attended for m in self.attendance)
        return round(100 * attended / expected) if expected else None


def overview(*, now: dt.datetime | None = None) -> list[CampusOverview]:
    """Every campus side by side: active members, cadence and attendance. Three queries."""
    now = now or timezone.now()
    campuses = list(
        Campus.objects.annotate(
            active_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
            )
        ).order_by("name")
    )
    cadences = cadence_by_campus(campuses=campuses, now=now)
    attendance = attendance_by_month_by_campus(campuses=campuses, now=now)
    return [CampusOverview(c, c.active_count, cadences[c.pk], attendance[c.pk]) for c in campuses]


# --- a member's own page -------------------------------------------------------------------
# Read as plain values: a member of some years has hundreds of rows, and the page is drawn by
# tags (reports/templatetags/report_tags.py) from these rows with each label translated once.
MY_PAGE_PAST_SHOWN = 12  # the table of past meetings; the attendance history has them all


@dataclass
class TopicLink:
    """A catalogue topic as a page links to it: its title in the reader's language (else in the
    other one, as `Topic.title` reads) and its address."""

    pk: int
    title: str
    url: str


class _TopicLinks:
    """TopicLinks from (id, English title, French title) of rows read with their topic: the
    topic's address reversed once, the reader's language looked up once."""

    def __init__(self):
        self.address = addresses("training:topic_detail", None, "pk")
        first = reader_language()
        self.languages = [first, *(lang for lang in TOPIC_LANGUAGES if lang != first)]

    def __call__(self, pk: int, title_en: str, title_fr: str) -> TopicLink:
        titles = {"en": title_en, "fr": title_fr}
        title = next((titles[lang] for lang in self.languages if titles[lang]), "")
        return TopicLink(pk, title, self.address(pk))


@dataclass
class AttendedTopic:
    topic: TopicLink
    times: int  # meetings that covered it while they were there
    last: dt.datetime  # when they were last there for it


def attended_topics(
    items: list[tuple[int, dt.datetime, int]], topics: dict[int, TopicLink]
) -> list[AttendedTopic]:
    """Each topic once, the most recently attended first, from the (meeting id, start, topic
    id) of the training items attended, latest first: a refresher topic revisited every year
    would otherwise fill the page."""
    last: dict[int, dt.datetime] = {}
    meetings: dict[int, set[int]] = defaultdict(set)  # a topic twice in a meeting: once
    for meeting_id, starts_at, topic_id in items:
        last.setdefault(topic_id, starts_at)
        meetings[topic_id].add(meeting_id)
    return [
        AttendedTopic(topics[topic_id], len(meetings[topic_id]), starts_at)
        for topic_id, starts_at in last.items()
    ]


@dataclass
class FacilitatedItem:
    topic: TopicLink | None
    title: str
    starts_at: dt.datetime  # the meeting's
    coming_up: bool


@dataclass
class TrainingRecord:
    attended_topics: list[AttendedTopic]  # topics of training items at meetings they were at
    facilitated: list[FacilitatedItem]  # training items they facilitated, upcoming ones too


def training_record(
    *, user, campus: Campus, was_there: set[int], now: dt.datetime | None = None
) -> TrainingRecord:
    """A person's training at one campus, latest first: the training items with a topic of the
    past meetings they were there for (`was_there`: those meetings' ids, present or late), and
    those they facilitated, upcoming ones too; as plain values with their topics' titles. One
    query: the campus's training items (a dozen or two a year), sorted out in Python, costs
    less than composing the person's conditions (their meetings' ids, or facilitator) in SQL."""
    now = now or timezone.now()
    items = (
        AgendaItem.objects.filter(meeting__campus=campus, kind=AgendaItem.Kind.TRAINING)
        .exclude(meeting__status=CANCELLED)
        .order_by("-meeting__starts_at", "position")
        .values_list(
            "meeting_id",
            "meeting__starts_at",
            "topic_id",
            "topic__title_en",
            "topic__title_fr",
            "title",
            "facilitator_id",
        )
    )
    link = _TopicLinks()
    topics: dict[int, TopicLink] = {}
    attended, facilitated = [], []
    for meeting_id, starts_at, topic_id, title_en, title_fr, title, facilitator_id in items:
        was_at_it = topic_id is not None and meeting_id in was_there and starts_at <= now
        if not was_at_it and facilitator_id != user.pk:
            continue
        if topic_id is not None and topic_id not in topics:
            topics[topic_id] = link(topic_id, title_en, title_fr)
        if was_at_it:
            attended.append((meeting_id, starts_at, topic_id))
        if facilitator_id == user.pk:
            facilitated.append(
                FacilitatedItem(topics.get(topic_id), title, starts_at, starts_at > now)
            )
    return TrainingRecord(attended_topics(attended, topics), facilitated)


@dataclass
class UpcomingMeeting:
    """A meeting to come on a member's own page, with their response, in plain values."""

    pk: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    sequence: int  # changed since it was announced when not 0
    url: str
    response: str
    response_note: str


@dataclass
class PastMeeting:
    """A row of a member's past meetings, in plain values: their response and presence as
    stored (`Attendance.Response`, `Attendance.Presence`), labelled when drawn."""

    title: str
    starts_at: dt.datetime
    url: str
    is_cancelled: bool
    sequence: int
    response: str
    presence: str


@dataclass
class OpenOffer:
    """An open offer of theirs to facilitate a topic."""

    topic: TopicLink
    note: str


@dataclass
class OverdueAction:
    """An action item of theirs, open and past its due date, as meetings/_open_actions.html
    reads it."""

    pk: int
    meeting_id: int
    meeting_title: str
    text: str
    due_on: dt.date
    owner: object  # the person whose page it is
    owner_id: int


def my_page(*, user, campus: Campus, now: dt.datetime | None = None) -> dict:
    """A member's own page: upcoming meetings with their response, their attendance counts,
    their last meetings, their training record, their open offers and their overdue action
    items. All as plain values, from four queries."""
    now = now or timezone.now()
    rows = (
        Attendance.objects.filter(user=user, meeting__campus=campus)
        .order_by("-meeting__starts_at", "-meeting_id")
        .values_list(
            "meeting_id",
            "meeting__starts_at",
            "meeting__ends_at",
            "meeting__status",
            "meeting__title",
            "meeting__location",
            "meeting__sequence",
            "response",
            "response_note",
            "presence",
        )
    )
    meeting_url = addresses("meetings:meeting_detail", campus, "pk")
    six, twelve = now - relativedelta(months=6), now - relativedelta(months=12)
    last_6, last_12 = AttendanceCounts(), AttendanceCounts()
    upcoming, past, past_count, was_there = [], [], 0, set()
    for row in rows:
        meeting_id, starts_at, ends_at, status, title, location, sequence = row[:7]
        response, response_note, presence = row[7:]
        cancelled = status == CANCELLED
        if starts_at > now:
            if not cancelled:
                upcoming.append(
                    UpcomingMeeting(
                        pk=meeting_id,
                        title=title,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        location=location,
                        sequence=sequence,
                        url=meeting_url(meeting_id),
                        response=response,
                        response_note=response_note,
                    )
                )
            continue
        past_count += 1
        if past_count <= MY_PAGE_PAST_SHOWN:  # latest first
            past.append(
                PastMeeting(
                    title=title,
                    starts_at=starts_at,
                    url=meeting_url(meeting_id),
                    is_cancelled=cancelled,
                    sequence=sequence,
                    response=response,
                    presence=presence,
                )
            )
        if cancelled:
            continue
        if presence in Attendance.WAS_THERE:
            was_there.add(meeting_id)
        if starts_at >= twelve:
            last_12.add(presence)
            if starts_at >= six:
                last_6.add(presence)
    upcoming.reverse()  # soonest first
    link = _TopicLinks()
    offers = [
        OpenOffer(link(topic_id, title_en, title_fr), note)
        for topic_id, title_en, title_fr, note in FacilitationOffer.objects.filter(
            user=user, campus=campus, status=FacilitationOffer.Status.OPEN
        )
        .order_by("topic__title")
        .values_list("topic_id", "topic__title_en", "topic__title_fr", "note")
    ]
    return {
        "upcoming": upcoming,  # soonest first
        "past": past,  # the latest MY_PAGE_PAST_SHOWN
        "past_count": past_count,
        "last_6_months": last_6,
        "last_12_months": last_12,
        "training": training_record(user=user, campus=campus, was_there=was_there, now=now),
        "offers": offers,
        "overdue_actions": own_overdue_actions(user=user, campus=campus),
    }


def own_overdue_actions(*, user, campus: Campus) -> list[OverdueAction]:
    """A person's open action items on one campus whose due date has passed (in the campus's
    time zone), as meetings.selectors.overdue_actions with an owner, in plain values. One
    query."""
    today = timezone.localdate(timezone=campus.tz)
    return [
        OverdueAction(pk, meeting_id, meeting_title, text, due_on, user, user.pk)
        for pk, meeting_id, meeting_title, text, due_on in ActionItem.objects.filter(
            meeting__campus=campus, owner=user, done=False, due_on__lt=today
        )
        .order_by("due_on", "pk")
        .values_list("pk", "meeting_id", "meeting__title", "text", "due_on")
    ]


def access_record(*, campus=None, kind: str = "", start=None, end=None, tz=None):
    """The access record (one campus's, or all), latest first, filtered by kind and by days
    from `start` to `end` inclusive, as days in `tz`."""
    records = access_records(campus=campus)
    tz = tz or timezone.get_current_timezone()
    if kind:
        records = records.filter(kind=kind)
    if start:
        records = records.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        next_day = end + dt.timedelta(days=1)
        records = records.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz))
    return records


def name_meetings(records) -> None:
    """Give each record of a meeting that meeting's title and start (`meeting`), one query."""
    records = list(records)
    ids = {r.meeting_id for r in records if r.meeting_id}
    meetings = Meeting.objects.in_bulk(ids) if ids else {}
    for r in records:
        r.meeting = meetings.get(r.meeting_id)
