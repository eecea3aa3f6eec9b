package service

import (
	"context"

	"zhiban/roster"
)

// Choice is one entry of a list: the value sent and the text shown.
type Choice struct {
	Value, Label string
}

// Names looks up township and leader names by id and lists them to choose from.
type Names struct {
	Townships []Choice // every township of the county
	Leaders   []Choice // the active leaders, "name（title）"
	town      map[string]string
	people    map[string]roster.Person
}

// Town is the name of township id, or id when there is no such township.
func (n Names) Town(id string) string {
	if v, ok := n.town[id]; ok {
		return v
	}
	return id
}

// Leader is the name of leader id, "（未指定）" for none, or id when unknown.
func (n Names) Leader(id string) string {
	if id == "" {
		return "（未指定）"
	}
	if p, ok := n.people[id]; ok {
		return p.Name
	}
	return id
}

// Names reads the county's townships and leaders.
func (s *Service) Names(ctx context.Context) (Names, error) {
	n := Names{town: map[string]string{}, people: map[string]roster.Person{}}
	units, err := s.st.Units(ctx)
	if err != nil {
		return n, err
	}
	for _, u := range units {
		if u.Kind == "township" {
			n.town[u.ID] = u.Name
			n.Townships = append(n.Townships, Choice{u.ID, u.Name})
		}
	}
	ps, err := s.st.People(ctx)
	if err != nil {
		return n, err
	}
	for _, p := range ps {
		n.people[p.ID] = p
		if p.Active {
			n.Leaders = append(n.Leaders, Choice{p.ID, p.Name + "（" + p.Title + "）"})
		}
	}
	return n, nil
}
