-- pgflow: a DAG workflow engine inside PostgreSQL, on top of pgmq.
-- complain if the script is sourced in psql rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pgflow CASCADE" to load this file. \quit
