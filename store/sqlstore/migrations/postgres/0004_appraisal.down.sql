DROP TABLE appraisal_improvements;
DROP TABLE appraisals;
DROP TABLE appraisal_inputs;
DROP TABLE appraisal_cycles;
