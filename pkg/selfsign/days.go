package selfsign

import (
	"fmt"
	"math"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

// LastDate is the latest time a certificate or a CRL can carry: X.509 writes dates
// from 2050 on as GeneralizedTime, whose year has four digits (RFC 5280 4.1.2.5).
// A validity past it cannot be encoded, and a number of days large enough to
// overflow a duration wraps round to a date in the past, so every --days is
// checked against it before anything is made.
var LastDate = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// secondsPerYear is the mean Gregorian year, used only to name the year a --days
// too large to be a date would end in.
const secondsPerYear = 31556952

// CheckDays refuses, as a usage error, a --days that is not positive (zero is
// allowed when zeroIsDefault: the command then keeps a current lifetime) or that
// would end after LastDate counted from now, saying the longest in days and as a
// date: no certificate or CRL could carry it.
func CheckDays(days int, now time.Time, zeroIsDefault bool) error {
	if days < 0 || days == 0 && !zeroIsDefault {
		return hint.Usagef("--days %d: give a positive number of days", days)
	}
	longest := (LastDate.Unix() - now.Unix()) / 86400
	if int64(days) <= longest {
		return nil
	}
	return &hint.UsageError{
		Err: fmt.Errorf("--days %d would end in year %d; the longest is %d days (until %s)",
			days, endYear(days, now), longest, now.UTC().AddDate(0, 0, int(longest)).Format(time.DateOnly)),
		Hints: []string{"a certificate or CRL cannot be valid after 9999-12-31: X.509 has no way to write a later date"},
	}
}

// endYear is the year days from now falls in, also for a number of days too large
// for a time.Time.
func endYear(days int, now time.Time) int64 {
	if int64(days) < (math.MaxInt64-now.Unix())/86400/2 {
		return int64(now.AddDate(0, 0, days).UTC().Year())
	}
	return 1970 + int64((float64(now.Unix())+float64(days)*86400)/secondsPerYear)
}
