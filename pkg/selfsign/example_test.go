package selfsign_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleCheckWildcards() {
	sans, _ := selfsign.HostSANs([]string{"db.example.com", "*.com"})
	fmt.Println(selfsign.CheckWildcards(sans))
	// Output: selfsign: *.com covers every host name under "com", a top-level domain: libpq would accept it for any of them
}

func ExampleShorten() {
	fmt.Println(selfsign.Shorten("db.example.com"))
	fmt.Println(selfsign.Shorten(strings.Repeat("x", 1000)))
	// Output:
	// db.example.com
	// xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…(1000 bytes)
}

func ExampleCommonNameSANs() {
	host, _ := selfsign.ParseSubject("/O=Acme/CN=db.example.com")
	fmt.Println(selfsign.CommonNameSANs(host))
	role, _ := selfsign.ParseSubject("/CN=alice smith")
	_, ok := selfsign.CommonNameSANs(role)
	fmt.Println(ok)
	// Output:
	// DNS:db.example.com true
	// false
}

func ExampleCheckDays() {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	fmt.Println(selfsign.CheckDays(825, now, false))
	fmt.Println(selfsign.CheckDays(3000000, now, false))
	// Output:
	// <nil>
	// --days 3000000 would end in year 10240; the longest is 2912103 days (until 9999-12-31)
}
