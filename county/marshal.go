package county

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"zhiban/roster"
)

// Marshal writes the county in the county-file format, keys in struct order,
// so that Parse(Marshal(c)) equals c. Short records (windows, units, slots,
// absences, holidays, links) are written on one line each, as people type them.
func (c *County) Marshal() ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(c); err != nil {
		return nil, fmt.Errorf("county: marshal: %w", err)
	}
	tidy(&n, "")
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("county: marshal: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("county: marshal: %w", err)
	}
	return buf.Bytes(), nil
}

// flowItems are the sequences whose items are written in flow style, one per line.
var flowItems = map[string]bool{
	"reception.windows": true, "units": true, "rosters.slots": true,
	"absences": true, "holidays": true,
}

// flowValues are the keys whose values are written in flow style.
var flowValues = map[string]bool{"links": true, "members": true}

// dateKeys hold civil dates, written unquoted like 2027-03-01.
var dateKeys = map[string]bool{"absences.from": true, "absences.to": true, "holidays.date": true}

// tidy drops empty optional values and sets styles. path is the key path
// without indexes, e.g. "rosters.slots".
func tidy(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		var kept []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := k.Value
			if path != "" {
				child = path + "." + k.Value
			}
			if k.Value == "no" {
				k.Style = 0 // quoted only for YAML 1.1 readers, which would take it for false
			}
			tidy(v, child)
			if isEmpty(v) {
				continue
			}
			if flowValues[k.Value] {
				v.Style = yaml.FlowStyle
			}
			if dateKeys[child] && v.Kind == yaml.ScalarNode {
				if _, err := roster.ParseDate(v.Value); err == nil {
					// Tagged as a timestamp the encoder needs no quotes; Parse reads the text either way.
					v.Tag, v.Style = "!!timestamp", 0
				}
			}
			kept = append(kept, k, v)
		}
		n.Content = kept
	case yaml.SequenceNode:
		for _, item := range n.Content {
			tidy(item, path)
			if flowItems[path] && item.Kind == yaml.MappingNode {
				item.Style = yaml.FlowStyle
			}
		}
	}
}

// isEmpty reports an empty string, list or mapping; such keys are left out.
// Numbers and booleans are kept: min_gap_days: 0 and active: false mean something.
func isEmpty(v *yaml.Node) bool {
	switch v.Kind {
	case yaml.ScalarNode:
		return v.Value == "" && v.ShortTag() == "!!str"
	case yaml.SequenceNode, yaml.MappingNode:
		return len(v.Content) == 0
	}
	return false
}
