DROP INDEX events_subject;
DROP TABLE surveys;
DROP TABLE complaints;
DROP TABLE calendar_days;
DROP TABLE work_orders;
