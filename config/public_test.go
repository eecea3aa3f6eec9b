package config

import (
	"strings"
	"testing"
)

// The public page's 来访须知 and 主办单位: a list replaces the default, [] hides
// it, and text the pages could not show safely is refused with its key.
func TestVisitorNoticeAndOrganizer(t *testing.T) {
	c, err := Load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(c.Publish.VisitorNotice, "")
	for _, want := range []string{"身份证", "逐级", "5 人", "网上信访", "12345"} {
		if !strings.Contains(all, want) {
			t.Errorf("default 来访须知 lacks %q", want)
		}
	}
	c, err = Load(write(t, "publish:\n  organizer: \" 中共示例县委群众工作部 \"\n  visitor_notice: [\"请带身份证。\"]\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Publish.Organizer != "中共示例县委群众工作部" || len(c.Publish.VisitorNotice) != 1 {
		t.Errorf("publish: %+v", c.Publish)
	}
	if c, err = Load(write(t, "publish:\n  visitor_notice: []\n"), noEnv); err != nil || len(c.Publish.VisitorNotice) != 0 {
		t.Errorf("visitor_notice: [] gives %v, %v", c.Publish.VisitorNotice, err)
	}
	for body, key := range map[string]string{
		"publish:\n  organizer: \"a\\u202eb\"\n":                               "publish.organizer",
		"publish:\n  visitor_notice: [\"好\", \"  \"]\n":                        "publish.visitor_notice[1]",
		"publish:\n  visitor_notice: [\"" + strings.Repeat("长", 201) + "\"]\n": "publish.visitor_notice[0]",
	} {
		if _, err := Load(write(t, body), noEnv); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: %v, want an error naming %s", body, err, key)
		}
	}
}
