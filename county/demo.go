package county

import _ "embed"

//go:embed demo.yaml
var demoYAML []byte

// DemoFile is the name errors in the embedded demo county refer to.
const DemoFile = "demo.yaml"

// DemoYAML returns the demo county file: 示例县, an invented county with its
// leaders, townships, reception centre and one duty roster.
func DemoYAML() []byte { return append([]byte(nil), demoYAML...) }

// Demo returns the parsed demo county. It panics only if the embedded file is
// broken, which TestDemo rules out.
func Demo() *County {
	c, err := Parse(DemoFile, demoYAML)
	if err != nil {
		panic("county: embedded demo.yaml is invalid: " + err.Error())
	}
	return c
}
