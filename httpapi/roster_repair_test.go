package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// TestRepairCountsAgree makes one change, an absence of tomorrow's duty
// leader, through the county import (what `zhiban import` runs), the Excel
// import page (its preview and its notice) and the regeneration preview,
// each on fresh data: all report the same repair in the same words.
func TestRepairCountsAgree(t *testing.T) {
	ctx := context.Background()
	victim := func(f *staffFixture) store.StoredAssignment { return f.duty(t, f.today.AddDays(1)) }

	// The county import, as the CLI runs it.
	f := newStaffFixture(t)
	v := victim(f)
	c := county.Demo()
	c.Absences = append(c.Absences, county.Absence{Person: v.Person, From: v.Date.String(), To: v.Date.String(), Kind: "meeting", Reason: "赴省开会"})
	_, fix, err := planner.ImportCounty(ctx, f.store, c, f.today, f.today.AddDays(60), "cli")
	if err != nil {
		t.Fatal(err)
	}
	if !fix.Ran || fix.Replanned != 1 || len(fix.Diff) != 1 || fix.Diff[0].Key != v.Key() {
		t.Fatalf("county import repaired %+v", fix)
	}
	cli := fix.Summary()
	t.Logf("county import: %s", cli)

	// The Excel import page.
	f = newStaffFixture(t)
	ed := f.loggedIn(t, "editor")
	sheet := book(t, []string{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]string{v.Person, "会议", v.Date.String(), v.Date.String(), "赴省开会"})
	code, body := upload(t, ed, "absences", sheet)
	if want := "确认后将导入 1 条，" + cli + "。"; code != 200 || !strings.Contains(body, want) {
		t.Fatalf("preview: %d, want %q\n%s", code, want, body)
	}
	_, _, h := applyUpload(ed, "absences", body)
	loc, _ := url.Parse(h.Get("Location"))
	web, ok := strings.CutPrefix(loc.Query().Get("done"), "已导入 1 条，")
	if web = strings.TrimSuffix(web, "。"); !ok || web != cli {
		t.Errorf("web import says %q, county import %q", loc.Query().Get("done"), cli)
	}

	// The regeneration preview over the stored future, the absence recorded
	// without a repair.
	f = newStaffFixture(t)
	ed = f.loggedIn(t, "editor")
	if _, err := f.store.AddAbsence(ctx, roster.Absence{Person: v.Person, Kind: roster.Meeting, From: v.Date, To: v.Date}, "test"); err != nil {
		t.Fatal(err)
	}
	stored, _ := f.store.Assignments(ctx, f.today, 0)
	last := stored[len(stored)-1].Date
	code, body = ed.get("/staff/regenerate?preview=1&from=" + f.today.AddDays(1).String() + "&to=" + last.String())
	_, preview, _ := strings.Cut(body, "应用后将")
	preview, _, _ = strings.Cut(preview, "。")
	if code != 200 || preview != cli {
		t.Errorf("regeneration preview: %d %q, county import %q", code, preview, cli)
	}
}
