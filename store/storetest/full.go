package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhiban/store"
)

// Fill makes st full for real: the file may not grow (store.CapPages) and
// filler rows take every free page, so any write that needs a new page —
// one holding more than a page of text, say — fails with SQLITE_FULL.
func Fill(tb testing.TB, st *store.Store) {
	tb.Helper()
	if st.Postgres() {
		// Ran on SQLite in the same suite; PostgreSQL's disk_full is mapped by store.IsFull.
		tb.Skip("a full database is made on SQLite only")
	}
	ctx := context.Background()
	if err := st.CapPages(ctx); err != nil {
		tb.Fatal(err)
	}
	i := 0
	for _, size := range []int{3000, 1000, 300} {
		for ; ; i++ {
			err := st.SetSetting(ctx, fmt.Sprintf("filler-%d", i), strings.Repeat("x", size))
			if store.IsFull(err) {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
}
