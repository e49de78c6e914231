#!/usr/bin/env bash
echo "ok 1 - placeholder"
