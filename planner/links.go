package planner

import (
	"context"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// LinksChanged refuses a 四个一 links change over links changed since the form
// showed them; Person is as stored now. It unwraps to store.ErrConflict.
type LinksChanged struct{ Person roster.Person }

func (e *LinksChanged) Error() string { return "planner: the links of " + e.Person.ID + " changed" }

func (e *LinksChanged) Unwrap() error { return store.ErrConflict }

var linkFields = []struct{ Field, Label string }{{"township", "乡镇"}, {"enterprise", "企业"}, {"project", "项目"}, {"village", "村"}}

// SetLinks changes a leader's 四个一 links from old to links (each clean text of at most clean.Name characters),
// checking in the writing transaction that nobody changed them since.
func SetLinks(ctx context.Context, st *store.Store, id string, old, links roster.Links, actor string) (roster.Person, error) {
	values := []*string{&links.Township, &links.Enterprise, &links.Project, &links.Village}
	for i, f := range linkFields {
		v, err := clean.Text(*values[i], clean.Name)
		if err != nil {
			return roster.Person{}, fault.InvalidField(f.Field, f.Label+err.Error())
		}
		*values[i] = v
	}
	var p roster.Person
	err := st.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if p, err = tx.Person(ctx, id); err != nil {
			return err
		}
		if p.Links != old {
			return &LinksChanged{Person: p}
		}
		p.Links = links
		_, err = tx.UpsertPerson(ctx, p, nil, actor)
		return err
	})
	return p, err
}
