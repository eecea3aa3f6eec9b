package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/service"
	"zhiban/store"
)

const pw = "password-123"

// usersFixture is the demo county with one admin, "boss".
func usersFixture(t *testing.T) (*service.Service, service.Call) {
	t.Helper()
	st := openDemo(t)
	svc := service.New(st, configtest.Valid(t, nil), nil)
	c := service.Call{Actor: "cli", Now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
	if _, err := svc.CreateUser(context.Background(), c, "boss", "admin", pw); err != nil {
		t.Fatal(err)
	}
	return svc, service.Call{Actor: "boss", Now: c.Now}
}

// An attacker's wrong passwords slow only their own address: 50 tries from
// 10.0.0.1 leave the owner at 10.0.0.2 logging in at once, while the
// attacker waits 1, 2, 4 … minutes between tries once the free ones are used.
func TestWrongPasswordsElsewhereDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	bad, refused := 0, 0
	for i := 0; i < 50; i++ {
		_, _, err := svc.Login(ctx, "boss", "wrong-password", "10.0.0.1", c.Now)
		var lo *service.LockedOut
		switch {
		case errors.Is(err, service.ErrBadLogin):
			bad++
		case errors.As(err, &lo) && errors.Is(err, service.ErrLockedOut) && lo.Until.Equal(c.Now.Add(time.Minute)):
			refused++
		default:
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if bad != service.FreeFailures || refused != 50-service.FreeFailures {
		t.Fatalf("%d checked, %d refused; want %d checked", bad, refused, service.FreeFailures)
	}
	u, sess, err := svc.Login(ctx, "boss", pw, "10.0.0.2", c.Now)
	if err != nil || u.Name != "boss" || sess.Secret == "" || !sess.Expires.Equal(c.Now.Add(service.SessionAbsolute)) {
		t.Fatalf("the owner from another address: %v %q %+v", err, u.Name, sess)
	}
	// The attacker's address: the right password waits out the delay too,
	// and each further failure doubles it.
	if _, _, err := svc.Login(ctx, "boss", pw, "10.0.0.1", c.Now.Add(59*time.Second)); !errors.Is(err, service.ErrLockedOut) {
		t.Fatalf("within the delay: %v", err)
	}
	at := c.Now.Add(time.Minute)
	if _, _, err := svc.Login(ctx, "boss", "wrong-password", "10.0.0.1", at); !errors.Is(err, service.ErrBadLogin) {
		t.Fatalf("after the delay: %v", err)
	}
	var lo *service.LockedOut
	if _, _, err := svc.Login(ctx, "boss", pw, "10.0.0.1", at.Add(time.Minute)); !errors.As(err, &lo) || !lo.Until.Equal(at.Add(2*time.Minute)) {
		t.Fatalf("the next delay: %v, want until %v", err, at.Add(2*time.Minute))
	}
	if u, _, err := svc.Login(ctx, "boss", pw, "10.0.0.1", at.Add(2*time.Minute)); err != nil || u.Name != "boss" {
		t.Fatalf("after the second delay: %v", err)
	}
	if u, _, err := svc.Login(ctx, "nobody", pw, "10.0.0.3", c.Now); !errors.Is(err, service.ErrBadLogin) || u.Name != "" {
		t.Fatalf("unknown name: %v %q", err, u.Name)
	}
}

// Twenty failures from one address, whatever the names, lock the address.
func TestManyNamesFromOneAddressLockIt(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if _, _, err := svc.Login(ctx, "guess"+string(rune('a'+i)), "x", "10.0.0.9", c.Now); !errors.Is(err, service.ErrBadLogin) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	var lo *service.LockedOut
	if _, _, err := svc.Login(ctx, "boss", pw, "10.0.0.9", c.Now); !errors.As(err, &lo) || !lo.Until.Equal(c.Now.Add(service.LockoutWindow)) {
		t.Fatalf("address not locked: %v", err)
	}
	if _, _, err := svc.Login(ctx, "boss", pw, "10.0.0.10", c.Now); err != nil {
		t.Fatalf("another address: %v", err)
	}
	if _, _, err := svc.Login(ctx, "boss", pw, "10.0.0.9", c.Now.Add(service.LockoutWindow)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// A token's last use is recorded at most once a minute.
func TestTokenLastUseIsThrottled(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	secret, _, err := svc.IssueToken(ctx, c, "boss", "script")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		accounts, err := svc.Accounts(ctx)
		if err != nil || len(accounts) != 1 || len(accounts[0].Tokens) != 1 {
			t.Fatalf("accounts %+v: %v", accounts, err)
		}
		return accounts[0].Tokens[0].LastUsed
	}
	for _, step := range []struct {
		after time.Duration
		want  time.Duration
	}{{0, 0}, {30 * time.Second, 0}, {59 * time.Second, 0}, {61 * time.Second, 61 * time.Second}} {
		if _, ok, err := svc.TokenUser(ctx, secret, c.Now.Add(step.after)); !ok || err != nil {
			t.Fatalf("token read: %v %v", ok, err)
		}
		if got := lastUsed(); !got.Equal(c.Now.Add(step.want)) {
			t.Fatalf("after %v: last used %v, want %v", step.after, got, c.Now.Add(step.want))
		}
	}
}

func TestSessionsEndWhenIdleAndOnPasswordChange(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	u, sess, err := svc.Login(ctx, "boss", pw, "10.0.0.1", c.Now)
	if err != nil {
		t.Fatal(err)
	}
	if got, csrf, ok, err := svc.SessionUser(ctx, sess.Secret, c.Now.Add(time.Hour)); !ok || err != nil || got.Name != "boss" || csrf == "" {
		t.Fatalf("fresh session: %v %v %q", ok, err, got.Name)
	}
	if _, _, ok, _ := svc.SessionUser(ctx, sess.Secret, c.Now.Add(time.Hour+service.SessionIdle+time.Minute)); ok {
		t.Fatal("an idle session still works")
	}
	if _, _, ok, _ := svc.SessionUser(ctx, sess.Secret, c.Now.Add(time.Hour)); ok {
		t.Fatal("an expired session was not deleted")
	}

	_, old, _ := svc.Login(ctx, "boss", pw, "10.0.0.1", c.Now)
	if _, err := svc.ChangePassword(ctx, c.Now, u, "not-the-password", "new-password-1", "new-password-1"); fault.Classify(err) == nil {
		t.Fatalf("wrong current password: %v", err)
	}
	if _, err := svc.ChangePassword(ctx, c.Now, u, pw, "new-password-1", "new-password-2"); fault.Classify(err) == nil {
		t.Fatalf("mismatched new passwords: %v", err)
	}
	if _, err := svc.ChangePassword(ctx, c.Now, u, pw, "short", "short"); wantFault(t, err, fault.Invalid, "password") == nil {
		t.Fatal("short password accepted")
	}
	renewed, err := svc.ChangePassword(ctx, c.Now, u, pw, "new-password-1", "new-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := svc.SessionUser(ctx, old.Secret, c.Now); ok {
		t.Error("the old session survived the password change")
	}
	if _, _, ok, _ := svc.SessionUser(ctx, renewed.Secret, c.Now); !ok {
		t.Error("the browser that changed the password was logged out")
	}
}

func TestUserManagementRules(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	for _, bad := range []struct{ name, role, pw, field string }{
		{"", "editor", pw, "name"}, {"a b", "editor", pw, "name"}, {"boss", "editor", pw, "name"},
		{"clerk", "owner", pw, "role"}, {"clerk", "editor", "short", "password"},
	} {
		_, err := svc.CreateUser(ctx, c, bad.name, bad.role, bad.pw)
		wantFault(t, err, fault.Invalid, bad.field)
	}
	if _, err := svc.CreateUser(ctx, c, "clerk", "editor", pw); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateUser(ctx, c, "boss", service.UserUpdate{Role: "editor"}); fault.Classify(err) == nil {
		t.Fatalf("an admin lowered their own account: %v", err)
	}
	// Someone else (the CLI) may not leave the county without an admin either.
	cli := service.Call{Actor: "cli", Now: c.Now}
	if err := svc.UpdateUser(ctx, cli, "boss", service.UserUpdate{Role: "admin", Disabled: true}); fault.Classify(err) == nil {
		t.Fatalf("the last admin was disabled: %v", err)
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateUser(ctx, cli, "boss", service.UserUpdate{Role: "viewer"}); err != nil {
		t.Fatalf("with a second admin: %v", err)
	}
	if err := svc.UpdateUser(ctx, c, "ghost", service.UserUpdate{Role: "viewer"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Password: "short"}); wantFault(t, err, fault.Invalid, "password") == nil {
		t.Fatal("short reset password accepted")
	}

	secret, tok, err := svc.IssueToken(ctx, c, "clerk", "  报表  ")
	if err != nil || len(secret) != auth.TokenLen || tok.ID == 0 || tok.Label != "报表" {
		t.Fatalf("token %q %+v: %v", secret, tok, err)
	}
	if u, ok, err := svc.TokenUser(ctx, secret, c.Now); !ok || err != nil || u.Name != "clerk" {
		t.Fatalf("token user %q %v %v", u.Name, ok, err)
	}
	if err := svc.UpdateUser(ctx, cli, "clerk", service.UserUpdate{Role: "admin", Disabled: true}); err == nil {
		t.Fatal("disabled the last enabled admin")
	}
	if err := svc.UpdateUser(ctx, cli, "boss", service.UserUpdate{Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateUser(ctx, cli, "clerk", service.UserUpdate{Role: "editor", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := svc.TokenUser(ctx, secret, c.Now); ok {
		t.Error("a disabled user's token still works")
	}
	accounts, err := svc.Accounts(ctx)
	if err != nil || len(accounts) != 2 {
		t.Fatalf("accounts %d: %v", len(accounts), err)
	}
	for _, a := range accounts {
		if want := map[string]int{"boss": 0, "clerk": 1}[a.Name]; len(a.Tokens) != want || a.Name == "clerk" && a.Tokens[0].Label != "报表" {
			t.Errorf("%s: tokens %+v", a.Name, a.Tokens)
		}
	}
}

// An account may be confined to a township: viewers and editors only, and
// only to a unit of kind township; moving it ends its sessions.
func TestUserUnits(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	for _, bad := range []struct{ role, unit string }{{"admin", "t01"}, {"editor", "t99"}, {"editor", "v01"}, {"editor", "c00"}} {
		_, err := svc.CreateUserIn(ctx, c, "clerk-"+bad.unit, bad.role, bad.unit, pw)
		wantFault(t, err, fault.Invalid, "unit")
	}
	u, err := svc.CreateUserIn(ctx, c, "clerk", "editor", "t01", pw)
	if err != nil || u.Unit != "t01" {
		t.Fatalf("township editor: %+v %v", u, err)
	}
	_, sess, err := svc.Login(ctx, "clerk", pw, "10.0.0.1", c.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Role: "admin", Unit: ptr("t01")}); wantFault(t, err, fault.Invalid, "unit") == nil {
		t.Fatal("a township admin was accepted")
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Role: "editor", Unit: ptr("t02")}); err != nil {
		t.Fatal(err)
	}
	if u, _ := svc.User(ctx, "clerk"); u.Unit != "t02" {
		t.Fatalf("unit after the move: %q", u.Unit)
	}
	if _, _, ok, _ := svc.SessionUser(ctx, sess.Secret, c.Now); ok {
		t.Fatal("the session survived a move to another township")
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Role: "viewer"}); err != nil {
		t.Fatal(err)
	}
	if u, _ := svc.User(ctx, "clerk"); u.Unit != "t02" || u.Role != "viewer" {
		t.Fatalf("a role change without a unit moved the account: %+v", u)
	}
	if err := svc.UpdateUser(ctx, c, "clerk", service.UserUpdate{Role: "editor", Unit: ptr("")}); err != nil {
		t.Fatal(err)
	}
	if u, _ := svc.User(ctx, "clerk"); u.Unit != "" {
		t.Fatalf("unit after making it county-wide: %q", u.Unit)
	}
}

func ptr(s string) *string { return &s }
