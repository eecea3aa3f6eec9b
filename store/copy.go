package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Moving an installation (zhiban copy): every row of a database, usually the
// SQLite file, into a PostgreSQL database that Open has just migrated. The
// copy is one transaction of the target, so a failed copy leaves it as it was.

// ErrTargetInUse: the target of a copy already holds an installation's data.
var ErrTargetInUse = errors.New("目标数据库已有数据")

// ownRows says, per table, which rows a new installation writes by itself
// (the migrations, a first start of serve): a copy replaces them with the
// source's, so the ledger, the search and notice keys and the feeds' UID
// domain stay those of the installation moved. Any other row means the
// target is in use.
var ownRows = map[string]string{
	"schema_migrations": "TRUE",
	"store_keys":        "TRUE",
	"settings":          "key = 'feed_uid_domain'",
}

// CopyTo copies every table of s into dst, a PostgreSQL database at the same
// schema version that holds no data yet. Tables go parents first (the
// foreign keys are checked row by row), rows with their own ids, triggers
// off (a copied row is the row as it was, not one the triggers would write
// now), and each identity column's sequence is moved past the copied ids.
// s is read in one transaction, so the copy is of one moment.
func (s *Store) CopyTo(ctx context.Context, dst *Store) error {
	if !dst.pg {
		return errors.New("复制的目标必须是 PostgreSQL 数据库（postgres://…）")
	}
	err := s.WithTx(ctx, func(src *Store) error {
		from, err := src.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		if latest := latestMigration(); from > latest {
			return fmt.Errorf("源数据库来自更新版本的 zhiban（数据结构版本 %d，本程序只认识到 %d），请先升级程序", from, latest)
		}
		to, err := dst.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		if from != to {
			return fmt.Errorf("源数据库的数据结构版本是 %d，目标是 %d：请用同一版本的 zhiban 打开两者后再复制", from, to)
		}
		tables, err := src.tableNames(ctx)
		if err != nil {
			return err
		}
		return dst.WithTx(ctx, func(tx *Store) error { return tx.copyFrom(ctx, src, tables) })
	})
	if err != nil {
		return err
	}
	// The search key came with the copy; the index built at Open used the old one.
	return dst.loadSearchIndex(ctx)
}

// copyFrom runs in the target's transaction.
func (tx *Store) copyFrom(ctx context.Context, src *Store, tables []string) error {
	have, err := tx.tableNames(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if !slices.Contains(have, t) {
			return fmt.Errorf("目标数据库没有表 %s：两边的 zhiban 版本不同？", t)
		}
	}
	for _, t := range have {
		own, ok := ownRows[t]
		if !ok {
			own = "FALSE"
		}
		var used bool
		if err := tx.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quoteName(t)+` WHERE NOT (`+own+`))`).Scan(&used); err != nil {
			return fmt.Errorf("store: copy: read %s: %w", t, err)
		}
		if used {
			return fmt.Errorf("%w（表 %s 不是空的）。为免覆盖，zhiban copy 只复制到新建的空数据库：请新建一个数据库（或 schema）后重试，复制完成前不要在它上面启动 zhiban serve",
				ErrTargetInUse, t)
		}
	}
	fks, err := tx.foreignKeys(ctx)
	if err != nil {
		return err
	}
	order, err := parentsFirst(tables, fks)
	if err != nil {
		return err
	}
	triggered, err := queryAll(ctx, tx.q, "copy: triggers", scanString, `SELECT DISTINCT c.relname FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1`)
	if err != nil {
		return err
	}
	// USER leaves the foreign-key checks on; ALTER TABLE is transactional, so a failed copy re-enables them too.
	for _, t := range triggered {
		if _, err := tx.q.ExecContext(ctx, `ALTER TABLE `+quoteName(t)+` DISABLE TRIGGER USER`); err != nil {
			return fmt.Errorf("store: copy: disable the triggers of %s: %w", t, err)
		}
	}
	for t := range ownRows {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+quoteName(t)); err != nil {
			return fmt.Errorf("store: copy: clear %s: %w", t, err)
		}
	}
	for _, t := range order {
		var self *foreignKey
		for i, fk := range fks {
			if fk.table == t && fk.refTable == t {
				self = &fks[i]
			}
		}
		if err := tx.copyTable(ctx, src, t, self); err != nil {
			return err
		}
	}
	if err := tx.moveSequences(ctx); err != nil {
		return err
	}
	for _, t := range triggered {
		if _, err := tx.q.ExecContext(ctx, `ALTER TABLE `+quoteName(t)+` ENABLE TRIGGER USER`); err != nil {
			return fmt.Errorf("store: copy: enable the triggers of %s: %w", t, err)
		}
	}
	return nil
}

// copyTable copies one table's rows in batches. Rows of a table that refers
// to itself go referred-to rows first, as the check is not deferred.
func (tx *Store) copyTable(ctx context.Context, src *Store, table string, self *foreignKey) error {
	rows, err := src.q.QueryContext(ctx, `SELECT * FROM `+quoteName(table))
	if err != nil {
		return fmt.Errorf("store: copy: read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	if want, err := tx.columns(ctx, table); err != nil {
		return err
	} else if strings.Join(want, ",") != strings.Join(cols, ",") {
		return fmt.Errorf("表 %s 的列不一致（源：%s；目标：%s）：两边的 zhiban 版本不同？", table,
			strings.Join(cols, ", "), strings.Join(want, ", "))
	}
	// PostgreSQL takes at most 65,535 parameters a statement.
	batch := min(1000, 65535/len(cols))
	var pending [][]any
	flush := func() error {
		for len(pending) > 0 {
			n := min(batch, len(pending))
			if err := tx.insertRows(ctx, table, cols, pending[:n]); err != nil {
				return err
			}
			pending = pending[n:]
		}
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: copy: read %s: %w", table, err)
		}
		pending = append(pending, vals)
		if self == nil && len(pending) >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: copy: read %s: %w", table, err)
	}
	if self != nil {
		col, ref := slices.Index(cols, self.column), slices.Index(cols, self.refColumn)
		if col < 0 || ref < 0 {
			return fmt.Errorf("store: copy: %s: no column %s or %s", table, self.column, self.refColumn)
		}
		pending = referredFirst(pending, col, ref)
	}
	return flush()
}

func (tx *Store) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteName(c)
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + quoteName(table) + ` (` + strings.Join(quoted, ", ") + `) VALUES `)
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
		args = append(args, r...)
	}
	if _, err := tx.q.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("store: copy: write %s: %w", table, err)
	}
	return nil
}

// columns are a table's column names in order, as SELECT * gives them.
func (tx *Store) columns(ctx context.Context, table string) ([]string, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT * FROM `+quoteName(table)+` LIMIT 0`)
	if err != nil {
		return nil, fmt.Errorf("store: copy: read %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}

// moveSequences sets each identity column's sequence past the highest id,
// else the next insert would be given an id a copied row already has.
func (tx *Store) moveSequences(ctx context.Context) error {
	type identity struct{ table, column string }
	ids, err := queryAll(ctx, tx.q, "copy: identity columns", func(sc scanner) (identity, error) {
		var i identity
		return i, sc.Scan(&i.table, &i.column)
	}, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident(?::text), ?),
			COALESCE(MAX(`+quoteName(id.column)+`), 0) + 1, false) FROM `+quoteName(id.table), id.table, id.column); err != nil {
			return fmt.Errorf("store: copy: move the sequence of %s.%s: %w", id.table, id.column, err)
		}
	}
	return nil
}

// foreignKey is a reference from table.column to refTable.refColumn (the
// first column of the key: this schema has no composite foreign keys).
type foreignKey struct{ table, column, refTable, refColumn string }

func (tx *Store) foreignKeys(ctx context.Context) ([]foreignKey, error) {
	return queryAll(ctx, tx.q, "copy: foreign keys", func(sc scanner) (foreignKey, error) {
		var fk foreignKey
		var n int
		if err := sc.Scan(&fk.table, &fk.column, &fk.refTable, &fk.refColumn, &n); err != nil {
			return fk, err
		}
		if n != 1 {
			return fk, fmt.Errorf("%s.%s: a foreign key of %d columns", fk.table, fk.column, n)
		}
		return fk, nil
	}, `SELECT c.relname, a.attname, r.relname, ra.attname, cardinality(con.conkey)
		FROM pg_constraint con
		JOIN pg_namespace n ON n.oid = con.connamespace
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_class r ON r.oid = con.confrelid
		JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
		JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
		WHERE con.contype = 'f' AND n.nspname = current_schema()
		ORDER BY 1, 2`)
}

// parentsFirst orders tables so each comes after the tables it refers to;
// among tables that are ready, by name, so the order is always the same.
func parentsFirst(tables []string, fks []foreignKey) ([]string, error) {
	needs := map[string]map[string]bool{}
	for _, fk := range fks {
		if fk.table == fk.refTable || !slices.Contains(tables, fk.table) || !slices.Contains(tables, fk.refTable) {
			continue
		}
		if needs[fk.table] == nil {
			needs[fk.table] = map[string]bool{}
		}
		needs[fk.table][fk.refTable] = true
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		var ready []string
		for _, t := range tables {
			if done[t] {
				continue
			}
			ok := true
			for p := range needs[t] {
				ok = ok && done[p]
			}
			if ok {
				ready = append(ready, t)
			}
		}
		if len(ready) == 0 {
			var left []string
			for _, t := range tables {
				if !done[t] {
					left = append(left, t)
				}
			}
			return nil, fmt.Errorf("store: copy: the foreign keys of %s form a cycle", strings.Join(left, ", "))
		}
		sort.Strings(ready)
		for _, t := range ready {
			done[t] = true
		}
		order = append(order, ready...)
	}
	return order, nil
}

// referredFirst orders rows so that a row whose column col refers to another
// row's column ref comes after that row (rows of a chain in any id order).
// Rows in a cycle, which no order can satisfy, go last for the database to refuse.
func referredFirst(rows [][]any, col, ref int) [][]any {
	key := func(v any) string { return fmt.Sprintf("%[1]T:%[1]v", v) }
	at := make(map[string]int, len(rows))
	for i, r := range rows {
		at[key(r[ref])] = i
	}
	children := map[int][]int{}
	var queue []int
	for i, r := range rows {
		p, ok := at[key(r[col])]
		if r[col] == nil || !ok || p == i {
			queue = append(queue, i)
		} else {
			children[p] = append(children[p], i)
		}
	}
	out := make([][]any, 0, len(rows))
	placed := make([]bool, len(rows))
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		out = append(out, rows[i])
		placed[i] = true
		queue = append(queue, children[i]...)
	}
	for i, r := range rows {
		if !placed[i] {
			out = append(out, r)
		}
	}
	return out
}

// quoteName quotes a table or column name for SQL.
func quoteName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func scanString(sc scanner) (string, error) {
	var s string
	return s, sc.Scan(&s)
}
