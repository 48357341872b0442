package gendocs

//go:generate go run ../../tools/gendocs -dir ../..
