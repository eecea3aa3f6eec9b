package secret

import (
	"errors"
	"strings"
	"testing"
)

func mustKey(t *testing.T) Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := mustKey(t)
	r, err := NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := r.Seal("13912345678")
	b, _ := r.Seal("13912345678")
	if a == b || strings.Contains(a, "5678") || !strings.HasPrefix(a, "enc1:"+k.ID+":") {
		t.Fatalf("sealed %q and %q", a, b)
	}
	if got, err := r.Open(a); err != nil || got != "13912345678" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if got, err := r.Open("13912345678"); err != nil || got != "13912345678" {
		t.Fatalf("plaintext passes through: %q, %v", got, err)
	}
	if s, _ := r.Seal(""); s != "" {
		t.Fatalf("empty sealed to %q", s)
	}
	if SealedBy(a) != k.ID || !IsSealed(a) || IsSealed("139") {
		t.Fatal("SealedBy/IsSealed")
	}
}

func TestWrongKeyFailsClearly(t *testing.T) {
	r1, _ := NewKeyring(mustKey(t))
	r2, _ := NewKeyring(mustKey(t))
	v, _ := r1.Seal("13912345678")
	if _, err := r2.Open(v); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: %v", err)
	}
	// Same id, different key: authentication fails, nothing is returned.
	forged, _ := NewKeyring(Key{ID: r1.Current(), Key: make([]byte, 32)})
	if got, err := forged.Open(v); err == nil || got != "" {
		t.Fatalf("wrong key material opened: %q, %v", got, err)
	}
	// Relabelling a value with another key id breaks it too.
	both, _ := NewKeyring(Key{ID: "a", Key: make([]byte, 32)}, Key{ID: "b", Key: make([]byte, 32)})
	s, _ := both.Seal("x1")
	if _, err := both.Open(strings.Replace(s, "enc1:a:", "enc1:b:", 1)); err == nil {
		t.Fatal("relabelled value opened")
	}
}

func TestRotationKeyring(t *testing.T) {
	old, cur := mustKey(t), mustKey(t)
	before, _ := NewKeyring(old)
	v, _ := before.Seal("13912345678")
	after, _ := NewKeyring(cur, old)
	if got, err := after.Open(v); err != nil || got != "13912345678" {
		t.Fatalf("old key opens after rotation: %q %v", got, err)
	}
	w, _ := after.Seal("13912345678")
	if SealedBy(w) != cur.ID {
		t.Fatalf("sealed by %s, want %s", SealedBy(w), cur.ID)
	}
}

func TestParseKey(t *testing.T) {
	if _, err := ParseKey("", "c2hvcnQ="); err == nil {
		t.Fatal("short key accepted")
	}
	k, err := ParseKey("", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	if err != nil || k.ID != KeyID(make([]byte, 32)) {
		t.Fatalf("%v %v", k, err)
	}
	if _, err := ParseKey("a:b", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); err == nil {
		t.Fatal("colon in id accepted")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"13912345678":        "139****5678",
		"420102199001011234": "4201**********1234",
		"12345":              "***45",
		"":                   "",
	} {
		got := MaskPhone(in)
		if len(in) == 18 {
			got = MaskID(in)
		}
		if got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}
