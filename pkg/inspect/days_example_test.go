package inspect_test

import (
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/inspect"
)

func ExampleDaysLeft() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	nextUpdate := now.Add(179*24*time.Hour + 23*time.Hour)
	fmt.Println(inspect.DaysLeft(nextUpdate, now))
	fmt.Println(inspect.DaysLeft(now.Add(-36*time.Hour), now))
	// Output:
	// 179
	// -1
}
