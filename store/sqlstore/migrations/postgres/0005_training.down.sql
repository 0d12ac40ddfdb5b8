DROP TABLE training_careers;
DROP TABLE training_progress;
DROP TABLE training_sessions;
DROP TABLE training_plans;
