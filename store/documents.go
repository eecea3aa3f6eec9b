package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zhiban/roster"
)

// Document is an issued official document: its kind, its 文号 and what it is about.
type Document struct {
	ID       int64       `json:"id"`
	Kind     string      `json:"kind"`
	Year     int         `json:"year"`
	Seq      int         `json:"seq"`
	Number   string      `json:"number"`
	Subject  int64       `json:"subject"`
	IssuedOn roster.Date `json:"issued_on"`
	IssuedBy string      `json:"issued_by"`
	Created  time.Time   `json:"created_at"`
}

const documentCols = `id, kind, year, seq, number, subject_id, issued_on, issued_by, created_at`

func scanDocument(sc scanner) (Document, error) {
	var d Document
	var on, created string
	err := sc.Scan(&d.ID, &d.Kind, &d.Year, &d.Seq, &d.Number, &d.Subject, &on, &d.IssuedBy, &created)
	d.IssuedOn, d.Created = readDate(on), parseStamp(created)
	return d, err
}

// IssueDocument gives subject its document of kind, numbered seq in the year
// of on (number formats it), and audits it. A subject that has the kind
// already keeps its document: issued is false and nothing is written. Within
// the writing transaction (SQLite's single writer, PostgreSQL's write lock)
// the next seq is read and taken at once, so no two documents share it.
func (s *Store) IssueDocument(ctx context.Context, kind string, subject int64, on roster.Date, actor string,
	number func(year, seq int) string) (doc Document, issued bool, err error) {
	err = s.WithTx(ctx, func(tx *Store) error {
		doc, err = tx.Document(ctx, kind, subject)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return err
		}
		year := on.Year()
		var top int
		if err := tx.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM documents WHERE kind = ? AND year = ?`,
			kind, year).Scan(&top); err != nil {
			return fmt.Errorf("store: number %s of %d: %w", kind, year, err)
		}
		doc = Document{Kind: kind, Year: year, Seq: top + 1, Subject: subject, IssuedOn: on, IssuedBy: actor, Created: s.Now()}
		doc.Number = number(year, doc.Seq)
		if doc.ID, err = insertID(ctx, tx.q, `INSERT INTO documents (kind, year, seq, number, subject_id, issued_on, issued_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, kind, year, doc.Seq, doc.Number, subject, dateCol(on), actor, stamp(doc.Created)); err != nil {
			return fmt.Errorf("store: issue %s %d: %w", kind, subject, err)
		}
		issued = true
		return tx.Audit(ctx, actor, "issue", "document", fmt.Sprintf("%s/%d", kind, subject), "", doc.Number)
	})
	return doc, issued, err
}

// Document returns subject's document of kind, or ErrNotFound.
func (s *Store) Document(ctx context.Context, kind string, subject int64) (Document, error) {
	ds, err := queryAll(ctx, s.q, "document", scanDocument, `SELECT `+documentCols+` FROM documents WHERE kind = ? AND subject_id = ?`, kind, subject)
	return first(ds, err, fmt.Sprintf("document %s/%d", kind, subject))
}

// DocumentsOf returns subject's documents among kinds, in issue order.
func (s *Store) DocumentsOf(ctx context.Context, subject int64, kinds []string) ([]Document, error) {
	if len(kinds) == 0 {
		return []Document{}, nil
	}
	args := []any{subject}
	for _, k := range kinds {
		args = append(args, k)
	}
	return queryAll(ctx, s.q, "documents", scanDocument, `SELECT `+documentCols+` FROM documents
		WHERE subject_id = ? AND kind IN (`+placeholders(len(kinds))+`) ORDER BY id`, args...)
}
