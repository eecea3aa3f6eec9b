package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// SecretKey returns the installation's 32-byte key called name, made on
// first use. It lives in the database so every replica signs and checks alike.
func (s *Store) SecretKey(ctx context.Context, name string) ([]byte, error) {
	// Read first: asking for a key is a read, not a write under the lock.
	var key []byte
	err := s.q.QueryRowContext(ctx, `SELECT value FROM store_keys WHERE name = ?`, name).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: key %s: %w", name, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("store: key %s: %w", name, err)
	}
	// DO NOTHING: when two replicas race, the first one's key stays.
	if _, err := s.q.ExecContext(ctx, `INSERT INTO store_keys (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, key); err != nil {
		return nil, fmt.Errorf("store: key %s: %w", name, err)
	}
	if err := s.q.QueryRowContext(ctx, `SELECT value FROM store_keys WHERE name = ?`, name).Scan(&key); err != nil {
		return nil, fmt.Errorf("store: key %s: %w", name, err)
	}
	return key, nil
}
