DROP TABLE event_seq;
DROP TABLE events;
DROP TABLE employees;
DROP TABLE dealers;
