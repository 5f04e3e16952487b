/// The five models of issue 7.
public enum ModelCatalog {
    public static let all: [ModelDefinition] = [healthRisk, cardiacRisk, diabetes, heartDisease, readmission30d]

    public static func definition(named name: String) -> ModelDefinition? {
        all.first { $0.name == name }
    }

    private static let tenYearCHD = TargetSpec.equals(
        "TenYearCHD", ["1"], description: "coronary heart disease within 10 years")

    /// The seed's published request: `{"age","bmi","blood_pressure","cholesterol"}`.
    public static let healthRisk = ModelDefinition(
        name: "health-risk", title: "10-year coronary heart disease risk (4 measurements)",
        dataset: DatasetCatalog.framingham, target: tenYearCHD,
        features: [
            FeatureSpec("age", column: "age", description: "age in years", plausible: 18...110),
            FeatureSpec("bmi", column: "BMI", description: "body-mass index, kg/m²", plausible: 10...80),
            FeatureSpec("blood_pressure", column: "sysBP", description: "systolic blood pressure, mmHg", plausible: 60...300),
            FeatureSpec("cholesterol", column: "totChol", description: "total cholesterol, mg/dL", plausible: 70...700),
        ],
        defaultLearner: .lr)


    public static let cardiacRisk = ModelDefinition(
        name: "cardiac-risk", title: "10-year coronary heart disease risk (15 predictors)",
        dataset: DatasetCatalog.framingham, target: tenYearCHD,
        features: [
            FeatureSpec("male", column: "male", description: "1 if male, 0 if female", plausible: 0...1),
            FeatureSpec("age", column: "age", description: "age in years", plausible: 18...110),
            FeatureSpec("education", column: "education", description: "education level 1–4", plausible: 1...4),
            FeatureSpec("current_smoker", column: "currentSmoker", description: "1 if currently smoking", plausible: 0...1),
            FeatureSpec("cigs_per_day", column: "cigsPerDay", description: "cigarettes per day", plausible: 0...100),
            FeatureSpec("bp_meds", column: "BPMeds", description: "1 if on blood-pressure medication", plausible: 0...1),
            FeatureSpec("prevalent_stroke", column: "prevalentStroke", description: "1 if prior stroke", plausible: 0...1),
            FeatureSpec("prevalent_hypertension", column: "prevalentHyp", description: "1 if hypertensive", plausible: 0...1),
            FeatureSpec("diabetes", column: "diabetes", description: "1 if diabetic", plausible: 0...1),
            FeatureSpec("cholesterol", column: "totChol", description: "total cholesterol, mg/dL", plausible: 70...700),
            FeatureSpec("systolic_bp", column: "sysBP", description: "systolic blood pressure, mmHg", plausible: 60...300),
            FeatureSpec("diastolic_bp", column: "diaBP", description: "diastolic blood pressure, mmHg", plausible: 30...200),
            FeatureSpec("bmi", column: "BMI", description: "body-mass index, kg/m²", plausible: 10...80),
            FeatureSpec("heart_rate", column: "heartRate", description: "resting heart rate, beats/min", plausible: 25...250),
            FeatureSpec("glucose", column: "glucose", description: "fasting glucose, mg/dL", plausible: 30...700),
        ],
        defaultLearner: .lr)

    public static let diabetes = ModelDefinition(
        name: "diabetes", title: "diabetes onset within 5 years (Pima)",
        dataset: DatasetCatalog.pima,
        target: .equals("Outcome", ["1"], description: "diabetes within 5 years"),
        features: [
            FeatureSpec("pregnancies", column: "Pregnancies", description: "number of pregnancies", plausible: 0...25),
            FeatureSpec("glucose", column: "Glucose", encoding: .numberWithZeroAsMissing,
                        description: "2-hour OGTT plasma glucose, mg/dL", plausible: 30...400),
            FeatureSpec("blood_pressure", column: "BloodPressure", encoding: .numberWithZeroAsMissing,
                        description: "diastolic blood pressure, mmHg", plausible: 20...200),
            FeatureSpec("skin_thickness", column: "SkinThickness", encoding: .numberWithZeroAsMissing,
                        description: "triceps skin fold, mm", plausible: 3...120),
            FeatureSpec("insulin", column: "Insulin", encoding: .numberWithZeroAsMissing,
                        description: "2-hour serum insulin, µU/mL", plausible: 5...1000),
            FeatureSpec("bmi", column: "BMI", encoding: .numberWithZeroAsMissing,
                        description: "body-mass index, kg/m²", plausible: 10...80),
            FeatureSpec("diabetes_pedigree", column: "DiabetesPedigreeFunction",
                        description: "diabetes pedigree function", plausible: 0...3),
            FeatureSpec("age", column: "Age", description: "age in years", plausible: 18...110),
        ],
        defaultLearner: .lr)

    public static let heartDisease = ModelDefinition(
        name: "heart-disease", title: "angiographic coronary artery disease (Cleveland)",
        dataset: DatasetCatalog.cleveland,
        target: .greaterThan("num", 0, description: "≥ 50 % narrowing in a major vessel (num > 0)"),
        features: [
            FeatureSpec("age", column: "age", description: "age in years", plausible: 18...110),
            FeatureSpec("sex", column: "sex", description: "1 male, 0 female", plausible: 0...1),
            FeatureSpec("chest_pain_type", column: "cp", kind: .categorical, encoding: .category,
                        description: "1 typical angina, 2 atypical, 3 non-anginal, 4 asymptomatic"),
            FeatureSpec("resting_bp", column: "trestbps", description: "resting blood pressure, mmHg", plausible: 60...250),
            FeatureSpec("cholesterol", column: "chol", description: "serum cholesterol, mg/dL", plausible: 70...700),
            FeatureSpec("fasting_blood_sugar_high", column: "fbs", description: "1 if fasting sugar > 120 mg/dL", plausible: 0...1),
            FeatureSpec("resting_ecg", column: "restecg", kind: .categorical, encoding: .category,
                        description: "0 normal, 1 ST-T abnormality, 2 LV hypertrophy"),
            FeatureSpec("max_heart_rate", column: "thalach", description: "maximum heart rate achieved", plausible: 50...250),
            FeatureSpec("exercise_angina", column: "exang", description: "1 if exercise-induced angina", plausible: 0...1),
            FeatureSpec("st_depression", column: "oldpeak", description: "ST depression induced by exercise, mm", plausible: 0...10),
            FeatureSpec("st_slope", column: "slope", kind: .categorical, encoding: .category,
                        description: "1 upsloping, 2 flat, 3 downsloping"),
            FeatureSpec("major_vessels", column: "ca", description: "vessels coloured by fluoroscopy, 0–3", plausible: 0...3),
            FeatureSpec("thal", column: "thal", kind: .categorical, encoding: .category,
                        description: "3 normal, 6 fixed defect, 7 reversible defect"),
        ],
        defaultLearner: .lr)

    private static func category(_ name: String, _ column: String, _ description: String) -> FeatureSpec {
        FeatureSpec(name, column: column, kind: .categorical, encoding: .category, description: description)
    }

    private static func count(_ name: String, _ description: String, _ range: ClosedRange<Double>) -> FeatureSpec {
        FeatureSpec(name, column: name, description: description, plausible: range)
    }

    /// Features follow Strack et al. (2014): demographics, admission and discharge codes,
    /// utilisation in the prior year, A1C and glucose results, insulin and medication change.
    /// Diagnosis codes and the 49 %-missing medical specialty are left out.
    public static let readmission30d = ModelDefinition(
        name: "readmission-30d", title: "readmission within 30 days of a diabetic inpatient stay",
        dataset: DatasetCatalog.diabetes130,
        target: .equals("readmitted", ["<30"], description: "readmitted within 30 days"),
        features: [
            category("race", "race", "Caucasian, AfricanAmerican, Hispanic, Asian, Other"),
            category("gender", "gender", "Female, Male"),
            FeatureSpec("age", column: "age", encoding: .ageBracketMidpoint,
                        description: "age in years (trained on 10-year brackets)", plausible: 0...110),
            category("admission_type_id", "admission_type_id", "admission type code (IDS_mapping.csv)"),
            category("discharge_disposition_id", "discharge_disposition_id", "discharge disposition code (IDS_mapping.csv)"),
            category("admission_source_id", "admission_source_id", "admission source code (IDS_mapping.csv)"),
            count("time_in_hospital", "length of stay, days", 1...30),
            count("num_lab_procedures", "lab tests during the stay", 0...200),
            count("num_procedures", "non-lab procedures during the stay", 0...20),
            count("num_medications", "distinct medications during the stay", 0...100),
            count("number_outpatient", "outpatient visits in the prior year", 0...100),
            count("number_emergency", "emergency visits in the prior year", 0...100),
            count("number_inpatient", "inpatient stays in the prior year", 0...100),
            count("number_diagnoses", "diagnoses on the record", 1...20),
            category("max_glu_serum", "max_glu_serum", "None (not measured), Norm, >200, >300"),
            category("a1c_result", "A1Cresult", "None (not measured), Norm, >7, >8"),
            category("insulin", "insulin", "No, Steady, Up, Down"),
            FeatureSpec("medication_change", column: "change", encoding: .mapped(["Ch": 1, "No": 0]),
                        description: "1 if diabetes medication was changed", plausible: 0...1),
            FeatureSpec("diabetes_medication", column: "diabetesMed", encoding: .mapped(["Yes": 1, "No": 0]),
                        description: "1 if any diabetes medication was prescribed", plausible: 0...1),
        ],
        groupColumn: "patient_nbr",
        defaultLearner: .gbt)
}
