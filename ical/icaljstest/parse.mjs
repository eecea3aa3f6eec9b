// Parses an iCalendar file from stdin with Mozilla's ical.js and prints its
// events as JSON, so Go tests can compare them to what they put in.
// Usage: node icaljs-parse.mjs DIR_OF_ical.js < feed.ics
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
const ICAL = (await import(pathToFileURL(join(dir, 'dist', 'ical.js')).href)).default;
const text = readFileSync(0, 'utf8');
const comp = new ICAL.Component(ICAL.parse(text));
const tzs = comp.getAllSubcomponents('vtimezone');
for (const tz of tzs) {
  ICAL.TimezoneService.register(new ICAL.Timezone(tz));
}
const out = {
  name: comp.getFirstPropertyValue('name'),
  x_wr_calname: comp.getFirstPropertyValue('x-wr-calname'),
  x_wr_timezone: comp.getFirstPropertyValue('x-wr-timezone'),
  refresh_interval: String(comp.getFirstPropertyValue('refresh-interval')),
  version: comp.getFirstPropertyValue('version'),
  prodid: comp.getFirstPropertyValue('prodid'),
  timezones: tzs.map((t) => t.getFirstPropertyValue('tzid')),
  events: comp.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const end = v.getFirstPropertyValue('dtend');
    return {
      uid: e.uid,
      summary: e.summary,
      description: e.description,
      location: e.location,
      status: v.getFirstPropertyValue('status'),
      transp: v.getFirstPropertyValue('transp'),
      sequence: e.sequence,
      all_day: e.startDate.isDate,
      start: e.startDate.toString(),
      end: end ? end.toString() : null,
      start_unix: e.startDate.toUnixTime(),
      end_unix: e.endDate.toUnixTime(),
      dtstamp: v.getFirstPropertyValue('dtstamp').toString(),
      last_modified: v.getFirstPropertyValue('last-modified').toString(),
      categories: v.getAllProperties('categories').map((p) => p.getFirstValue()),
    };
  }),
};
process.stdout.write(JSON.stringify(out));
