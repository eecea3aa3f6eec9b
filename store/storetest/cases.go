package storetest

import (
	"context"
	"fmt"
	"testing"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// SeedCases adds n cases to a demo store, about seven received a day up to
// today like a county's petitions (5,000 in two years): those older than 90
// days are closed, the rest accepted. Petitioner i is named 测试人i with phone 139 and i in 8 digits.
func SeedCases(tb testing.TB, st *store.Store, n int, today roster.Date) {
	tb.Helper()
	err := st.WithTx(context.Background(), func(tx *store.Store) error {
		for i := 1; i <= n; i++ {
			received := today.AddDays(-(i / 7))
			k := visits.Case{Code: fmt.Sprintf("%04d-%05d", received.Year(), i), Title: "测试案件", Category: "其他",
				Township: fmt.Sprintf("t%02d", 1+i%14), Received: received, Channel: "来访",
				Petitioner: visits.Petitioner{Name: fmt.Sprintf("测试人%d", i), Phone: fmt.Sprintf("139%08d", i)},
				GroupSize:  1, Leader: fmt.Sprintf("L%02d", 1+i%9), State: visits.StateAccepted, Accepted: received.AddDays(3)}
			if today.DaysSince(received) > 90 {
				k.State, k.Replied, k.Closed = visits.StateClosed, received.AddDays(40), received.AddDays(50)
			}
			if _, err := tx.CreateCase(context.Background(), k, "seed"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
