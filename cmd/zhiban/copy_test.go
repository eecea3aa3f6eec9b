package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// fullDB is a SQLite installation with a row in nearly every table: the
// demo county, its roster, cases and visits and sweeps, extra cases, staff
// with sessions and tokens, holidays, a publication, messages, a job run.
func fullDB(t *testing.T, cases int) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "z.db")
	st := openDB(t, db)
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	cfg, err := config.Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	today := roster.Today(now, cfg.Location)
	svc := service.New(st, cfg, []string{"log"})
	if err := seedDemo(ctx, svc, st, slog.New(slog.DiscardHandler), now, io.Discard); err != nil {
		t.Fatal(err)
	}
	storetest.SeedCases(t, st, cases, today)
	admin, err := st.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateSession(ctx, strings.Repeat("a", 64), store.Session{UserID: admin.ID, CSRF: "csrf", CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(8 * time.Hour)}))
	_, err = st.CreateAPIToken(ctx, "admin", strings.Repeat("b", 64), "脚本", "test")
	must(err)
	must(st.SetLoginFailures(ctx, "ip:192.0.2.1", 3, now))
	must(st.ReplaceHolidayYear(ctx, 2027, []roster.HolidayDay{{Date: roster.MustDate("2027-01-01"), Kind: roster.Off, Name: "元旦"}}, "test"))
	_, err = st.PublishMonth(ctx, "county-duty", today.String()[:7], "test")
	must(err)
	_, err = st.EnqueueNotification(ctx, store.Notification{Recipients: `["L01"]`, Subject: "值班提醒", Body: "明天值班", CreatedAt: now}, []string{"log"})
	must(err)
	_, err = st.RotateFeedToken(ctx, "L01", "test")
	must(err)
	_, err = st.SecretKey(ctx, "notice")
	must(err)
	_, err = st.FeedDomain(ctx)
	must(err)
	// A reassignment leaves a tombstone.
	as, err := st.Assignments(ctx, today.AddDays(1), today.AddDays(14))
	must(err)
	// A visit registered at the desk (ID number and phone sealed).
	session, err := st.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Date: today, Start: 8*60 + 30,
		End: 17*60 + 30, Place: "接待大厅", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	must(err)
	_, err = st.CreateRegistration(ctx, visits.Registration{Session: session.ID, Date: today, Visitor: visits.Visitor{Name: "张三",
		IDNumber: "11010519491231002X", Phone: "13912345678"}, Township: "t01", GroupSize: 1, Matter: "拆迁补偿",
		Category: "征地拆迁", State: visits.DeskWaiting, Arrived: now, CreatedBy: "test"}, "test")
	must(err)
	// A public booking (sealed) and a leader's 分管 categories.
	_, err = st.CreateBooking(ctx, visits.Booking{Code: "ABCD2345", Roster: "county-duty", Date: today.AddDays(1), Seat: 1,
		SlotStart: 8*60 + 30, SlotEnd: 9 * 60, Category: "劳资", Township: "t01", GroupSize: 1,
		Visitor: visits.Visitor{Name: "预约人", IDNumber: "110105194912310038", Phone: "13912345679"}, Consented: now,
		State: visits.BookingActive, Made: today}, "public")
	must(err)
	c, err := st.ExportCounty(ctx)
	must(err)
	c.People[0].Categories = []string{"劳资"}
	_, err = st.ImportCounty(ctx, c, "test")
	must(err)
	// A case handed to a unit (交办单).
	ks, err := st.Cases(ctx, store.CaseFilter{})
	must(err)
	_, err = st.CreateHandover(ctx, visits.Handover{Case: ks[0].ID, Unit: "d02", Handed: today, Due: today.AddDays(20)}, "test")
	must(err)
	// A 满意度评价 and a printed 评价码 (sealed).
	_, err = st.CreateEvaluation(ctx, visits.Evaluation{Case: ks[0].ID, Stage: visits.StageAccept, Answer: visits.Satisfied,
		Source: visits.SourceStaff, AnsweredOn: today, RecordedBy: "test"}, "test")
	must(err)
	must(st.PutEvaluationCode(ctx, store.EvaluationCode{Case: ks[0].ID, Stage: visits.StageHandle, Hash: strings.Repeat("c", 64),
		Code: "ABCDEFGHJKLM", Made: today, Expires: today.AddDays(90)}, "test"))
	// An official document with its 文号.
	_, _, err = st.IssueDocument(ctx, "accept", ks[0].ID, today, "admin", func(year, seq int) string { return fmt.Sprintf("示信受〔%d〕%d号", year, seq) })
	must(err)
	// The leader on the first duty signed in (到岗签到).
	must(st.SignIn(ctx, store.Attendance{Roster: as[0].Roster, Date: as[0].Date, Role: as[0].Role, Person: as[0].Person,
		SignedAt: now, How: "staff", SignedBy: "admin"}))
	for _, b := range as[1:] {
		if b.Role == as[0].Role && b.Person != as[0].Person {
			a := as[0].Assignment
			a.Person = b.Person
			_, err = st.SetAssignment(ctx, a, as[0].Version, "test")
			must(err)
			break
		}
	}
	if code, _, errs := zhiban(t, "jobs", "run", "follow-ups", "--now", now.Format(time.RFC3339), "--db", db); code != 0 {
		t.Fatalf("jobs run: %s", errs)
	}
	return db
}

// TestCopyCommandMovesAnInstallation copies a full installation into a new
// PostgreSQL database: every table's rows and checksum agree and are printed,
// the staff keep working on the copy, and a second copy into it is refused.
func TestCopyCommandMovesAnInstallation(t *testing.T) {
	ctx := context.Background()
	pg := storetest.PostgresURL(t)
	db := fullDB(t, 300)

	code, out, errs := zhiban(t, "copy", "--from", db, "--to", pg)
	if code != 0 || !strings.Contains(out, "全部一致") || strings.Contains(out, "不一致") {
		t.Fatalf("copy: %d\n%s\n%s", code, out, errs)
	}
	src := openDB(t, db)
	dst := openDB(t, pg)
	want, err := src.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var empty []string
	for _, s := range want {
		if !strings.Contains(out, s.Table) {
			t.Errorf("the comparison does not list %s", s.Table)
		}
		if s.Rows == 0 {
			empty = append(empty, s.Table)
		}
	}
	// What the fixture cannot fill without a run of every job; the rest must hold rows.
	if want := []string{"visit_moves"}; !reflect.DeepEqual(empty, want) {
		t.Errorf("tables without rows in the fixture: %v, want %v", empty, want)
	}

	// The staff carry on on PostgreSQL: new rows get new ids.
	before, err := src.Cases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	k, err := dst.CreateCase(ctx, visits.Case{Code: "2026-7777", Title: "迁移后新案件", Category: "其他", Township: "t01",
		Received: roster.MustDate("2026-11-28"), Channel: "来访", Petitioner: visits.Petitioner{Name: "迁移后来访人"},
		GroupSize: 1, State: visits.StateReceived}, "test")
	if err != nil {
		t.Fatalf("a case after the copy: %v", err)
	}
	for _, c := range before {
		if c.ID >= k.ID {
			t.Fatalf("new case id %d, a copied case has %d", k.ID, c.ID)
		}
	}
	if _, err := dst.AddAbsence(ctx, roster.Absence{Person: "L03", From: roster.MustDate("2026-12-14"), To: roster.MustDate("2026-12-15"), Kind: roster.Trip}, "test"); err != nil {
		t.Fatalf("an absence after the copy: %v", err)
	}
	if found, err := dst.Cases(ctx, store.CaseFilter{Search: "测试人17"}); err != nil || len(found) != 1 {
		t.Errorf("petitioner search on the copy: %d found, %v", len(found), err)
	}

	code, _, errs = zhiban(t, "copy", "--from", db, "--to", pg)
	if code != 1 || !strings.Contains(errs, "已有数据") || !strings.Contains(errs, "新建") {
		t.Errorf("a copy into a database in use: %d %s", code, errs)
	}
}

func TestCopyCommandLine(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"copy", "--from", "z.db"}, "用法"},
		{[]string{"copy", "--to", "postgres://zhiban:secret@db/zhiban", "--db", "postgres://zhiban:secret@db/zhiban"}, "同一个数据库"},
		{[]string{"copy", "--to", "postgres://zhiban:secret@db/zhiban", "--db", filepath.Join(dir, "none.db")}, "找不到源数据库"},
		{[]string{"copy", "--from", "z.db", "--to", filepath.Join(dir, "other.db")}, "必须是 PostgreSQL"},
		{[]string{"copy", "--from", filepath.Join(dir, "none.db"), "--to", "postgres://zhiban:secret@db/zhiban"}, "找不到源数据库"},
	} {
		code, _, errs := zhiban(t, c.args...)
		if code != 1 || !strings.Contains(errs, c.want) || strings.Contains(errs, "secret") {
			t.Errorf("%v: %d %q, want %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Errorf("a copy from a missing file made it: %v", err)
	}
}
