package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ReadTx runs fn in one read-only transaction: every query fn makes through
// the Store it is given sees the same committed state, so figures counted
// from several queries never mix two states. It takes no write lock and
// counts no write: on SQLite (WAL) a deferred transaction reads the snapshot
// of its first read; on PostgreSQL it is REPEATABLE READ, READ ONLY. A write
// inside fn fails on PostgreSQL; do none. Inside a transaction it just calls fn.
func (s *Store) ReadTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer tx.Rollback()
	txs := &Store{db: s.db, q: tx, writes: s.writes, Now: s.Now, search: s.search, seal: s.seal, pg: s.pg, tx: tx}
	if s.pg {
		txs.q = pgQuerier{tx}
	}
	if err := fn(txs); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: end read: %w", err)
	}
	return nil
}
