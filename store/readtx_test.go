package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// TestReadTxIsOneSnapshot: queries inside ReadTx see one state while another
// connection commits (PostgreSQL), or the write waits until the read ends
// (SQLite's single connection); either way the two reads agree, and the
// write shows after.
func TestReadTxIsOneSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	newCase := func(n int) visits.Case {
		return visits.Case{Code: fmt.Sprintf("2027-%04d", n), Title: "拖欠工资", Category: "劳资", Township: "t01",
			Received: roster.MustDate("2027-01-04"), Channel: "来访", Petitioner: visits.Petitioner{Name: "赵某某"}, GroupSize: 1,
			State: visits.StateReceived}
	}
	if _, err := st.CreateCase(ctx, newCase(1), "test"); err != nil {
		t.Fatal(err)
	}
	end := roster.MustDate("2027-12-31")
	writes := st.Writes()
	wrote := make(chan error, 1)
	err := st.ReadTx(ctx, func(tx *store.Store) error {
		before, err := tx.StatCases(ctx, end)
		if err != nil {
			return err
		}
		go func() {
			_, err := st.CreateCase(ctx, newCase(2), "test")
			wrote <- err
		}()
		select {
		case err := <-wrote: // PostgreSQL: committed on another connection
			if err != nil {
				return err
			}
			wrote <- nil
		case <-time.After(300 * time.Millisecond): // SQLite: waiting for the connection
		}
		after, err := tx.StatCases(ctx, end)
		if err != nil {
			return err
		}
		if len(before) != 1 || len(after) != 1 {
			t.Errorf("inside one read: %d cases, then %d; want 1 and 1", len(before), len(after))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if got, err := st.StatCases(ctx, end); err != nil || len(got) != 2 {
		t.Errorf("after the read: %d cases (%v), want 2", len(got), err)
	}
	if st.Writes() <= writes {
		t.Error("the write after the read was not counted")
	}
}
