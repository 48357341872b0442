package cmdutil

import (
	"context"
	"net"
	"os"
	"strings"
	"time"
)

// fqdn returns this machine's fully qualified host name, what `hostname -f` prints:
// the kernel's host name, expanded through the resolver (/etc/hosts first) when it
// has no dot. The manual asks for "the local host name as Common Name"; clients
// connecting from elsewhere use the qualified name.
func fqdn() (string, error) {
	h, err := os.Hostname()
	if err != nil {
		return "", err
	}
	if strings.Contains(h, ".") {
		return strings.ToLower(h), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if cname, err := net.DefaultResolver.LookupCNAME(ctx, h); err == nil {
		cname = strings.TrimSuffix(cname, ".")
		if strings.Contains(cname, ".") {
			return strings.ToLower(cname), nil
		}
	}
	return strings.ToLower(h), nil
}
