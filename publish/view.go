package publish

import (
	"context"

	"zhiban/roster"
	"zhiban/store"
)

// View says which stored duties the public may see: all with publish.auto, else
// published months, where a slot differing from the snapshot is an adjustment (调整).
type View struct {
	auto bool
	pubs map[[2]string]store.Publication
	snap map[roster.Key]string // slot → person as published
}

// LoadView reads the publications and their snapshots for [from, to].
func (p *Publisher) LoadView(ctx context.Context, from, to roster.Date) (View, error) {
	v := View{auto: p.cfg.Publish.Auto, snap: map[roster.Key]string{}}
	var err error
	if v.pubs, err = p.st.Publications(ctx, from, to); err != nil {
		return v, err
	}
	if len(v.pubs) == 0 {
		return v, nil
	}
	snap, err := p.st.PublishedAssignments(ctx, from, to)
	if err != nil {
		return v, err
	}
	for _, a := range snap {
		v.snap[a.Key()] = a.Person
	}
	return v, nil
}

// Published reports whether roster's month holding d has been published.
func (v View) Published(rosterID string, d roster.Date) (store.Publication, bool) {
	p, ok := v.pubs[[2]string{rosterID, roster.MonthOf(d).String()}]
	return p, ok
}

// Visible reports whether the public may see roster's duties on d.
func (v View) Visible(rosterID string, d roster.Date) bool {
	if v.auto {
		return true
	}
	_, ok := v.Published(rosterID, d)
	return ok
}

// Adjusted reports whether a's slot changed since publication and who was published
// ("" if added later); ok is false when there is no publication.
func (v View) Adjusted(a roster.Assignment) (was string, changed, ok bool) {
	if _, pub := v.Published(a.Roster, a.Date); !pub {
		return "", false, false
	}
	orig, had := v.snap[a.Key()]
	return orig, !had || orig != a.Person, true
}

// PublishedPerson is the person published for slot k, if any.
func (v View) PublishedPerson(k roster.Key) (string, bool) {
	p, ok := v.snap[k]
	return p, ok
}
