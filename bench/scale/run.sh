#!/bin/sh
# Growth benchmark: the work that grows with the input, at sizes 100, 1,000, 10,000
# and (where it applies) 100,000, so that growth is seen, not guessed. Prints each
# benchmark's time per operation and per item; a flat "per item" column is linear.
#
#   sh bench/scale/run.sh          # from the repository root
#
#   chain:   leaf finding in a pile of N certificates (pgcert chain without --key)
#   hba:     pgcert check's pg_hba.conf analysis of N client-certificate records
#   root:    pgcert root on a bundle of N roots (RootsBundle)
#   verify:  pgcert verify against a root file of N roots (VerifyRootsBundle)
#   crl:     pgcert crl merge of N CRLs of N CAs (MergeCRLs), crl dir's naming (DirEntries)
#   ca list: the listing of a CA directory of N certificates (ScanListing)
# The CA directory's curve against openssl ca is bench/ca/run.sh.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
{
	go test ./pkg/chain/ -run '^$' -bench 'BenchmarkFindLeafPile|BenchmarkRootsBundle|BenchmarkVerifyRootsBundle' -benchtime 3x
	go test ./pkg/pgdata/ -run '^$' -bench 'BenchmarkCheckHBA' -benchtime 3x
	go test ./pkg/crl/ -run '^$' -bench 'BenchmarkMergeCRLs|BenchmarkDirEntries' -benchtime 3x
	go test ./pkg/ca/ -run '^$' -bench 'BenchmarkScanListing' -benchtime 3x
} | awk '/^Benchmark/ {
	n = split($1, p, "/"); size = p[n]; sub(/-[0-9]+$/, "", size)
	printf "%-28s %12.2f ms/op %10.2f µs/item\n", $1, $3 / 1e6, $3 / 1e3 / size
}'
