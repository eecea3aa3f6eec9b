// Package auth holds the primitives of staff authentication: password
// hashing (bcrypt), random tokens and their stored hashes, and roles. It
// knows nothing of HTTP, sessions or storage, so the web server and the CLI
// share it.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a staff user may do: viewers read, editors also write, admins also manage users.
type Role string

const (
	RoleViewer Role = "viewer"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles from least to most.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin}

// ParseRole accepts admin, editor or viewer.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.TrimSpace(s)); r {
	case RoleViewer, RoleEditor, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("角色 %q 无效，应为 admin、editor 或 viewer", s)
}

// Rank orders roles so a check is "at least editor"; an unknown role ranks 0.
func (r Role) Rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleEditor:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r may do what min may.
func (r Role) AtLeast(min Role) bool { return r.Rank() > 0 && r.Rank() >= min.Rank() }

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "管理员"
	case RoleEditor:
		return "编辑"
	case RoleViewer:
		return "只读"
	}
	return string(r)
}

const (
	bcryptCost     = 11
	minPasswordLen = 8
	maxPasswordLen = 72 // bytes: bcrypt ignores the rest
)

// InvalidPassword is a password the rules refuse; its text is for the user.
type InvalidPassword string

func (e InvalidPassword) Error() string { return string(e) }

// CheckPassword enforces the password rules: at least 8 characters, at most
// 72 bytes (bcrypt's limit).
func CheckPassword(pw string) error {
	if len([]rune(pw)) < minPasswordLen {
		return InvalidPassword("密码至少 8 个字符")
	}
	if len(pw) > maxPasswordLen {
		return InvalidPassword("密码过长（最多 72 字节）")
	}
	return nil
}

// HashPassword returns the bcrypt hash of a password that passes
// CheckPassword, or that check's InvalidPassword.
func HashPassword(pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when there is no stored hash, so a login
// takes as long for an unknown name as for a wrong password. Made on first
// use: CLI commands that never check a password do not pay for it.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("zhiban-dummy-password"), bcryptCost)
	return h
})

// MatchPassword reports whether pw is the password of hash. An empty hash
// (no such user) never matches but costs the same time as a real check.
func MatchPassword(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// TokenLen is the length of a secret from NewToken.
const TokenLen = 43

// NewToken returns a random secret (256 bits, URL-safe) and the hash under
// which it is stored.
func NewToken() (secret, hash string) {
	secret = NewSecret(32)
	return secret, HashToken(secret)
}

// NewSecret returns n random bytes as unpadded URL-safe base64.
func NewSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the stored form of a session, API or feed token: hex
// SHA-256. The secrets are 256 random bits, so a fast hash is enough.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
