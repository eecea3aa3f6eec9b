// Package secret keeps short personal fields (a petitioner's phone, later an
// ID number) unreadable at rest with AES-256-GCM, and masks them for display.
//
// A sealed value is "enc1:<key id>:<base64(nonce||ciphertext)>": the key id
// tells rotation which key sealed it, and a value without the prefix is
// recognisably plaintext from before sealing.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const prefix = "enc1:"

// Key is one AES-256 key and the id stored with every value it seals.
type Key struct {
	ID  string
	Key []byte
}

// ErrUnknownKey is opening a value sealed by a key the keyring lacks: the
// wrong key is configured, and nothing is shown rather than garbage.
var ErrUnknownKey = errors.New("secret: value sealed by an unknown key")

// ParseKey reads a base64 32-byte key; an empty id is derived from the key.
func ParseKey(id, b64 string) (Key, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(raw) != 32 {
		return Key{}, fmt.Errorf("密钥必须是 base64 编码的 32 字节（可用 openssl rand -base64 32 生成）")
	}
	if id == "" {
		id = KeyID(raw)
	}
	if strings.ContainsAny(id, ": \t\n") {
		return Key{}, fmt.Errorf("密钥编号 %q 不能包含冒号或空白", id)
	}
	return Key{ID: id, Key: raw}, nil
}

// KeyID names a key by its hash, so the same key has the same id whether it
// comes from the config, the environment or a key file.
func KeyID(raw []byte) string {
	h := sha256.Sum256(append([]byte("zhiban-privacy-key\x00"), raw...))
	return "k" + hex.EncodeToString(h[:4])
}

// NewKey returns a fresh random key.
func NewKey() (Key, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, err
	}
	return Key{ID: KeyID(raw), Key: raw}, nil
}

// Keyring seals with its first key and opens with any of them.
type Keyring struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

// NewKeyring builds a keyring; it needs at least one key and distinct ids.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no key")
	}
	r := &Keyring{aeads: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if len(k.Key) != 32 {
			return nil, fmt.Errorf("secret: key %s is %d bytes, not 32", k.ID, len(k.Key))
		}
		if _, dup := r.aeads[k.ID]; dup {
			continue // the same key listed twice (config and environment)
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		r.ids = append(r.ids, k.ID)
		r.aeads[k.ID] = aead
	}
	return r, nil
}

// Current is the id of the key that seals.
func (r *Keyring) Current() string { return r.ids[0] }

// IDs lists the keyring's key ids, the sealing one first.
func (r *Keyring) IDs() []string { return append([]string(nil), r.ids...) }

// Seal encrypts v under the current key; "" stays "" (nothing to hide, and
// empty columns stay comparable).
func (r *Keyring) Seal(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	id := r.ids[0]
	aead := r.aeads[id]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(v)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: seal: %w", err)
	}
	// The key id is authenticated data: a value cannot be relabelled.
	out := aead.Seal(nonce, nonce, []byte(v), []byte(id))
	return prefix + id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a sealed value; plaintext (a row from before sealing) is
// returned as it is. A value from an unknown key is ErrUnknownKey, a damaged
// one an error: never garbage.
func (r *Keyring) Open(v string) (string, error) {
	id, body, sealed := split(v)
	if !sealed {
		return v, nil
	}
	aead, ok := r.aeads[id]
	if !ok {
		return "", fmt.Errorf("%w %q (configured: %s)", ErrUnknownKey, id, strings.Join(r.ids, ", "))
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("secret: damaged value sealed by key %s", id)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(id))
	if err != nil {
		return "", fmt.Errorf("secret: value sealed by key %s does not open: wrong key or damaged", id)
	}
	return string(plain), nil
}

// IsSealed reports whether v is in sealed form.
func IsSealed(v string) bool { _, _, ok := split(v); return ok }

// SealedBy is the id of the key that sealed v, "" for plaintext.
func SealedBy(v string) string { id, _, _ := split(v); return id }

func split(v string) (id, body string, ok bool) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return "", "", false
	}
	id, body, ok = strings.Cut(rest, ":")
	return id, body, ok
}
