// Reads an iCalendar object on stdin with Mozilla's ical.js, as Thunderbird does, and prints
// what a calendar application would make of it as JSON: the METHOD, every VEVENT, and each UID's
// occurrences (a recurring event expanded with its EXDATEs and RECURRENCE-ID overrides), with
// instants in UTC. A parse error exits non-zero with the message on stderr.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const utc = (time) => (time ? time.toJSDate().toISOString() : null);
const address = (property) => ({
  value: property.getFirstValue(),
  params: Object.fromEntries(
    Object.entries(property.toJSON()[1]).map(([key, value]) => [key.toUpperCase(), value]),
  ),
});

const vevents = root.getAllSubcomponents("vevent");
const events = vevents.map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    sequence: event.sequence,
    recurrenceId: utc(event.recurrenceId),
    start: utc(event.startDate),
    end: utc(event.endDate),
    startZone: event.startDate ? event.startDate.zone.tzid : null,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    location: event.location,
    rrule: component.getFirstPropertyValue("rrule")?.toString() ?? null,
    exdates: component.getAllProperties("exdate").flatMap((p) => p.getValues().map(utc)),
    organizer: component.getFirstProperty("organizer")
      ? address(component.getFirstProperty("organizer"))
      : null,
    attendees: component.getAllProperties("attendee").map(address),
  };
});

// Occurrences per UID: the master (no RECURRENCE-ID) expanded, its overrides applied.
const occurrences = {};
for (const uid of new Set(events.map((e) => e.uid))) {
  const components = vevents.filter((c) => c.getFirstPropertyValue("uid") === uid);
  const master = components.find((c) => !c.hasProperty("recurrence-id"));
  if (!master) {
    occurrences[uid] = components.map((c) => {
      const event = new ICAL.Event(c);
      return { start: utc(event.startDate), end: utc(event.endDate), status: c.getFirstPropertyValue("status") };
    });
    continue;
  }
  const event = new ICAL.Event(master);
  for (const c of components) {
    if (c !== master) event.relateException(c);
  }
  const list = [];
  if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(); next && list.length < 500; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next);
      list.push({
        start: utc(details.startDate),
        end: utc(details.endDate),
        status: details.item.component.getFirstPropertyValue("status"),
        summary: details.item.summary,
        location: details.item.location,
      });
    }
  } else {
    list.push({ start: utc(event.startDate), end: utc(event.endDate), status: master.getFirstPropertyValue("status") });
  }
  occurrences[uid] = list;
}

process.stdout.write(
  JSON.stringify({ method: root.getFirstPropertyValue("method"), events, occurrences }),
);
