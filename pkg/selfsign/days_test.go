package selfsign

import (
	"strconv"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestCheckDays: the longest accepted --days ends on the last day X.509 can write,
// one more is refused, and zero is refused unless it means "keep the lifetime".
func TestCheckDays(t *testing.T) {
	now := testpki.Now
	longest := int((LastDate.Unix() - now.Unix()) / 86400)
	if err := CheckDays(longest, now, false); err != nil {
		t.Errorf("%d days: %v", longest, err)
	}
	if end := now.AddDate(0, 0, longest); end.After(LastDate) || end.Year() != 9999 {
		t.Errorf("the longest ends %v", end)
	}
	if err := CheckDays(longest+1, now, false); err == nil {
		t.Errorf("%d days accepted", longest+1)
	}
	if err := CheckDays(0, now, true); err != nil {
		t.Errorf("0 as the default: %v", err)
	}
	for _, d := range []int{0, -1} {
		if err := CheckDays(d, now, false); err == nil || err.Error() != "--days "+strconv.Itoa(d)+": give a positive number of days" {
			t.Errorf("%d: %v", d, err)
		}
	}
	if err := CheckDays(-1, now, true); err == nil {
		t.Error("-1 accepted as a default")
	}
}
